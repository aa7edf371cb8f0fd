#include "api/instance.h"

#include <limits>
#include <set>

#include "api/service_group.h"

namespace ukc::api {

using nlohmann::json;

namespace {

json ToJson(const ScaleToZero& s) {
  return {{"enabled", s.policy != "off"},
          {"policy", s.policy},
          {"stateful", s.stateful},
          {"cooldown_time_ms", s.cooldown_time_ms}};
}

std::string String(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
std::optional<T> Number(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<T>();
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

json ToJson(const Instance& i) {
  json j = {{"uuid", i.uuid},
            {"name", i.name},
            {"created_at", i.created_at},
            {"state", i.state},
            {"image", i.image},
            {"memory_mb", i.memory_mb},
            {"vcpus", i.vcpus},
            {"args", i.args},
            {"env", i.env},
            {"start_count", i.start_count},
            {"restart_count", i.restart_count},
            {"started_at", i.started_at},
            {"stopped_at", i.stopped_at},
            {"uptime_ms", i.uptime_ms},
            {"restart_policy", i.restart_policy},
            {"private_fqdn", i.private_fqdn},
            {"private_ip", i.private_ip},
            {"boot_time_us", i.boot_time_us},
            {"tags", i.tags}};
  if (i.env.empty()) j["env"] = json::object();
  if (i.restart) {
    j["restart"] = {{"attempt", i.restart->attempt}};
    if (!i.restart->next_at.empty()) j["restart"]["next_at"] = i.restart->next_at;
  }
  if (i.stop_reason) j["stop_reason"] = *i.stop_reason;
  if (i.stop_code) j["stop_code"] = *i.stop_code;
  if (i.exit_code) j["exit_code"] = *i.exit_code;
  if (i.scale_to_zero) j["scale_to_zero"] = ToJson(*i.scale_to_zero);
  if (i.service_group) {
    json domains = json::array();
    for (const auto& d : i.service_group->domains) domains.push_back({{"fqdn", d.fqdn}});
    j["service_group"] = {
        {"uuid", i.service_group->uuid}, {"name", i.service_group->name}, {"domains", domains}};
  }
  j["volumes"] = json::array();
  for (const auto& v : i.volumes) {
    j["volumes"].push_back(
        {{"uuid", v.uuid}, {"name", v.name}, {"at", v.at}, {"readonly", v.readonly}});
  }
  j["network_interfaces"] = json::array();
  for (const auto& n : i.network_interfaces) {
    j["network_interfaces"].push_back(
        {{"uuid", n.uuid}, {"private_ip", n.private_ip}, {"mac", n.mac}});
  }
  return j;
}

Instance InstanceFromJson(const json& j) {
  Instance i;
  if (!j.is_object()) return i;
  i.uuid = String(j, "uuid");
  i.name = String(j, "name");
  i.created_at = String(j, "created_at");
  i.state = String(j, "state");
  i.image = String(j, "image");
  i.memory_mb = Number<int>(j, "memory_mb").value_or(0);
  i.vcpus = Number<int>(j, "vcpus").value_or(0);
  i.args = Strings(j, "args");
  if (auto it = j.find("env"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) i.env[k] = v.get<std::string>();
    }
  }
  i.start_count = Number<int>(j, "start_count").value_or(0);
  i.restart_count = Number<int>(j, "restart_count").value_or(0);
  i.started_at = String(j, "started_at");
  i.stopped_at = String(j, "stopped_at");
  i.uptime_ms = Number<int64_t>(j, "uptime_ms").value_or(0);
  i.restart_policy = String(j, "restart_policy");
  if (auto it = j.find("restart"); it != j.end() && it->is_object()) {
    i.restart = RestartInfo{Number<int>(*it, "attempt").value_or(0), String(*it, "next_at")};
  }
  i.stop_reason = Number<int>(j, "stop_reason");
  i.stop_code = Number<int>(j, "stop_code");
  i.exit_code = Number<int>(j, "exit_code");
  if (auto it = j.find("scale_to_zero"); it != j.end() && it->is_object()) {
    ScaleToZero s;
    s.policy = it->value("policy", "off");
    s.stateful = it->value("stateful", false);
    s.cooldown_time_ms = Number<int64_t>(*it, "cooldown_time_ms").value_or(0);
    i.scale_to_zero = s;
  }
  i.private_fqdn = String(j, "private_fqdn");
  i.private_ip = String(j, "private_ip");
  if (auto it = j.find("service_group"); it != j.end() && it->is_object()) {
    InstanceServiceGroup g{String(*it, "uuid"), String(*it, "name"), {}};
    if (auto d = it->find("domains"); d != it->end() && d->is_array()) {
      for (const auto& domain : *d) g.domains.push_back({String(domain, "fqdn")});
    }
    i.service_group = g;
  }
  if (auto it = j.find("volumes"); it != j.end() && it->is_array()) {
    for (const auto& v : *it) {
      i.volumes.push_back(
          {String(v, "uuid"), String(v, "name"), String(v, "at"), v.value("readonly", false)});
    }
  }
  if (auto it = j.find("network_interfaces"); it != j.end() && it->is_array()) {
    for (const auto& n : *it) {
      i.network_interfaces.push_back(
          {String(n, "uuid"), String(n, "private_ip"), String(n, "mac")});
    }
  }
  i.boot_time_us = Number<int64_t>(j, "boot_time_us").value_or(0);
  i.tags = Strings(j, "tags");
  return i;
}

json ToJson(const CreateInstanceRequest& r) {
  json j = {{"image", r.image}};
  if (r.name) j["name"] = *r.name;
  if (r.args) j["args"] = *r.args;
  if (!r.env.empty()) j["env"] = r.env;
  if (r.memory_mb) j["memory_mb"] = *r.memory_mb;
  if (r.vcpus) j["vcpus"] = *r.vcpus;
  if (r.autostart) j["autostart"] = *r.autostart;
  if (r.replicas) j["replicas"] = *r.replicas;
  if (r.restart_policy) j["restart_policy"] = *r.restart_policy;
  if (r.scale_to_zero) {
    j["scale_to_zero"] = {{"policy", r.scale_to_zero->policy},
                          {"stateful", r.scale_to_zero->stateful},
                          {"cooldown_time_ms", r.scale_to_zero->cooldown_time_ms}};
  }
  if (!r.features.empty()) j["features"] = r.features;
  if (r.wait_timeout_ms) j["wait_timeout_ms"] = *r.wait_timeout_ms;
  if (r.timeout_s) j["timeout_s"] = *r.timeout_s;
  if (r.service_group) j["service_group"] = *r.service_group;
  if (r.volumes) j["volumes"] = *r.volumes;
  if (!r.tags.empty()) j["tags"] = r.tags;
  return j;
}

namespace {

bool TypeError(const std::string& field, const char* type, std::string* error) {
  *error = "Field '" + field + "' must be " + type;
  return false;
}

bool ParseStrings(const json& v, const std::string& field, std::vector<std::string>* out,
                  std::string* error) {
  if (!v.is_array()) return TypeError(field, "an array of strings", error);
  for (const auto& s : v) {
    if (!s.is_string()) return TypeError(field, "an array of strings", error);
    out->push_back(s.get<std::string>());
  }
  return true;
}

bool ParseScaleToZero(const json& v, ScaleToZero* out, std::string* error) {
  if (!v.is_object()) return TypeError("scale_to_zero", "an object", error);
  for (const auto& [key, value] : v.items()) {
    if (value.is_null()) continue;
    if (key == "policy") {
      if (!value.is_string()) return TypeError("scale_to_zero.policy", "a string", error);
      out->policy = value.get<std::string>();
      if (out->policy != "on" && out->policy != "off" && out->policy != "idle") {
        *error = "Invalid scale_to_zero policy '" + out->policy + "' (on, off or idle)";
        return false;
      }
    } else if (key == "stateful") {
      if (!value.is_boolean()) return TypeError("scale_to_zero.stateful", "a boolean", error);
      out->stateful = value.get<bool>();
    } else if (key == "cooldown_time_ms" || key == "notify_time_ms") {
      if (!value.is_number_integer()) return TypeError("scale_to_zero." + key, "an integer", error);
      int64_t ms = value.get<int64_t>();
      if (ms < 0 || ms > 86400000) {
        *error = "scale_to_zero." + key + " must be between 0 and 86400000";
        return false;
      }
      if (key == "cooldown_time_ms") out->cooldown_time_ms = ms;
    } else if (key != "enabled") {
      *error = "Unknown field 'scale_to_zero." + key + "'";
      return false;
    }
  }
  return true;
}

// An integer that fits T (values that do not would wrap around into range).
template <typename T>
bool IntegerFits(const json& v) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= uint64_t{std::numeric_limits<T>::max()};
  int64_t n = v.get<int64_t>();
  return n >= int64_t{std::numeric_limits<T>::min()} && n <= int64_t{std::numeric_limits<T>::max()};
}

// `v` with the members whose value is null removed, at every depth (null counts as absent).
json WithoutNulls(const json& v) {
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) out.push_back(WithoutNulls(e));
    return out;
  }
  if (!v.is_object()) return v;
  json out = json::object();
  for (const auto& [key, value] : v.items()) {
    if (!value.is_null()) out[key] = WithoutNulls(value);
  }
  return out;
}

// The shape of service_group (§4.2): a reference to an existing group ({uuid} or {name}), or the
// description of a new one (service_group.h's parser; `name` is then the reference). The port
// rules are the service registry's (they are per-item errors, not malformed JSON).
bool ParseServiceGroup(const json& v, std::string* error) {
  if (!v.is_object()) return TypeError("service_group", "an object", error);
  json rest = v;
  if (auto it = rest.find("uuid"); it != rest.end()) {
    if (!it->is_null() && !it->is_string())
      return TypeError("service_group.uuid", "a string", error);
    rest.erase(it);
  }
  CreateServiceGroupRequest ignored;
  return ParseCreateServiceGroupRequest(rest, &ignored, error, nullptr, "service_group");
}

// Fields of some client generation that ukc-emu accepts in the JSON but does not implement.
const std::set<std::string>& UnsupportedFields() {
  static const std::set<std::string> fields = {"template",  "roms",     "sched_priority",
                                               "schedules", "autokill", "delete_lock"};
  return fields;
}

bool ParseField(const std::string& key, const json& v, CreateInstanceRequest* out,
                std::string* error) {
  auto integer = [&](auto* target) {
    using T = std::remove_reference_t<decltype(**target)>;
    if (!v.is_number_integer()) return TypeError(key, "an integer", error);
    if (!IntegerFits<T>(v)) {
      *error = "Field '" + key + "' is out of range";
      return false;
    }
    *target = v.get<T>();
    return true;
  };
  if (key == "name" || key == "image" || key == "restart_policy") {
    if (!v.is_string()) return TypeError(key, "a string", error);
    if (key == "name") out->name = v.get<std::string>();
    if (key == "image") out->image = v.get<std::string>();
    if (key == "restart_policy") out->restart_policy = v.get<std::string>();
    return true;
  }
  if (key == "args") {
    out->args.emplace();
    return ParseStrings(v, key, &*out->args, error);
  }
  if (key == "features") return ParseStrings(v, key, &out->features, error);
  if (key == "tags") return ParseStrings(v, key, &out->tags, error);
  if (key == "env") {
    if (!v.is_object()) return TypeError(key, "an object of strings", error);
    for (const auto& [name, value] : v.items()) {
      if (!value.is_string()) return TypeError("env." + name, "a string", error);
      out->env[name] = value.get<std::string>();
    }
    return true;
  }
  if (key == "memory_mb") return integer(&out->memory_mb);
  if (key == "vcpus") return integer(&out->vcpus);
  if (key == "replicas") return integer(&out->replicas);
  if (key == "wait_timeout_ms") return integer(&out->wait_timeout_ms);
  if (key == "timeout_s") return integer(&out->timeout_s);
  if (key == "autostart") {
    if (!v.is_boolean()) return TypeError(key, "a boolean", error);
    out->autostart = v.get<bool>();
    return true;
  }
  if (key == "scale_to_zero") {
    out->scale_to_zero.emplace();
    if (v.is_object()) {
      for (const auto& [k, value] : v.items()) {
        if (!value.is_null()) out->scale_to_zero_keys.insert(k);
      }
    }
    return ParseScaleToZero(v, &*out->scale_to_zero, error);
  }
  if (key == "service_group") {
    if (!ParseServiceGroup(v, error)) return false;
    out->service_group = WithoutNulls(v);
    return true;
  }
  if (key == "volumes") {
    if (!v.is_array()) return TypeError(key, "an array", error);
    for (const auto& volume : v) {
      if (!volume.is_object()) return TypeError(key, "an array of objects", error);
    }
    out->volumes = v;
    return true;
  }
  *error = "Unknown field '" + key + "'";
  return false;
}

}  // namespace

bool ParseCreateInstanceRequest(const json& j, CreateInstanceRequest* out, std::string* error,
                                std::string* unsupported) {
  if (!j.is_object()) {
    *error = "Request body must be a JSON object";
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (value.is_null()) continue;
    if (UnsupportedFields().count(key)) {
      if (unsupported->empty()) *unsupported = key;
      continue;
    }
    if (!ParseField(key, value, out, error)) return false;
  }
  if (out->restart_policy == "on_failure") out->restart_policy = "on-failure";
  return true;
}

}  // namespace ukc::api
