#include "api/service_group.h"

#include <limits>

namespace ukc::api {

using nlohmann::json;

namespace {

std::string String(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Int(const json& j, const char* key, int fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

bool Bool(const json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

const json& Array(const json& j, const char* key) {
  static const json kEmpty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace

json ToJson(const ServicePort& p) {
  json j = {{"port", p.port},
            {"destination_port", p.destination_port == 0 ? p.port : p.destination_port},
            {"handlers", p.handlers}};
  if (p.local_port > 0) j["local_port"] = p.local_port;
  return j;
}

json ToJson(const InstanceServiceGroup& g) {
  json domains = json::array();
  for (const auto& d : g.domains) domains.push_back({{"fqdn", d.fqdn}});
  return {{"uuid", g.uuid}, {"name", g.name}, {"domains", domains}};
}

json ToJson(const ServiceGroup& g) {
  json services = json::array(), domains = json::array(), instances = json::array();
  for (const auto& p : g.services) services.push_back(ToJson(p));
  for (const auto& d : g.domains) {
    json domain = {{"fqdn", d.fqdn}};
    if (d.certificate) {
      domain["certificate"] = {{"uuid", d.certificate->uuid},
                               {"name", d.certificate->name},
                               {"state", d.certificate->state}};
    }
    domains.push_back(std::move(domain));
  }
  for (const auto& i : g.instances) instances.push_back({{"uuid", i.uuid}, {"name", i.name}});
  return {{"uuid", g.uuid},
          {"name", g.name},
          {"created_at", g.created_at},
          {"persistent", g.persistent},
          {"autoscale", g.autoscale},
          {"soft_limit", g.soft_limit},
          {"hard_limit", g.hard_limit},
          {"services", services},
          {"domains", domains},
          {"instances", instances}};
}

ServiceGroup ServiceGroupFromJson(const json& j) {
  ServiceGroup g;
  if (!j.is_object()) return g;
  g.uuid = String(j, "uuid");
  g.name = String(j, "name");
  g.created_at = String(j, "created_at");
  g.persistent = Bool(j, "persistent", false);
  g.autoscale = Bool(j, "autoscale", false);
  g.soft_limit = Int(j, "soft_limit", 0);
  g.hard_limit = Int(j, "hard_limit", 0);
  for (const auto& s : Array(j, "services")) {
    if (!s.is_object()) continue;
    ServicePort p{Int(s, "port", 0), Int(s, "destination_port", 0), {}, Int(s, "local_port", 0)};
    for (const auto& h : Array(s, "handlers")) {
      if (h.is_string()) p.handlers.push_back(h.get<std::string>());
    }
    g.services.push_back(std::move(p));
  }
  for (const auto& d : Array(j, "domains")) {
    if (!d.is_object()) continue;
    ServiceGroupDomain domain{String(d, "fqdn"), std::nullopt};
    if (auto c = d.find("certificate"); c != d.end() && c->is_object()) {
      domain.certificate =
          DomainCertificate{String(*c, "uuid"), String(*c, "name"), String(*c, "state")};
    }
    g.domains.push_back(std::move(domain));
  }
  for (const auto& i : Array(j, "instances")) {
    if (i.is_object()) g.instances.push_back({String(i, "uuid"), String(i, "name")});
  }
  return g;
}

json ToJson(const CreateServiceGroupRequest& r) {
  json services = json::array(), domains = json::array();
  for (const auto& p : r.services) {
    json s = {{"port", p.port}, {"destination_port", p.destination_port}};
    if (!p.handlers.empty()) s["handlers"] = p.handlers;
    services.push_back(std::move(s));
  }
  for (const auto& d : r.domains) {
    json domain = {{"name", d.name}};
    if (d.certificate) {
      domain["certificate"] = d.certificate->uuid.empty() ? json{{"name", d.certificate->name}}
                                                          : json{{"uuid", d.certificate->uuid}};
    }
    domains.push_back(std::move(domain));
  }
  json j = {{"services", services}, {"domains", domains}};
  if (r.name) j["name"] = *r.name;
  if (r.soft_limit) j["soft_limit"] = *r.soft_limit;
  if (r.hard_limit) j["hard_limit"] = *r.hard_limit;
  return j;
}

namespace {

// Parses one level of the request; `prefix` is "" or "service_group." etc.
class Parser {
 public:
  Parser(std::string* error, std::string* unsupported) : error_(error), unsupported_(unsupported) {}

  bool Group(const json& j, const std::string& prefix, CreateServiceGroupRequest* out) {
    if (!j.is_object()) return TypeError(Trim(prefix), "an object");
    for (const auto& [key, value] : j.items()) {
      if (value.is_null()) continue;
      const std::string field = prefix + key;
      if (key == "name") {
        if (!value.is_string()) return TypeError(field, "a string");
        out->name = value.get<std::string>();
      } else if (key == "soft_limit" || key == "hard_limit") {
        int n = 0;
        if (!Integer(value, field, &n)) return false;
        (key == "soft_limit" ? out->soft_limit : out->hard_limit) = n;
      } else if (key == "services") {
        if (!value.is_array()) return TypeError(field, "an array");
        for (const auto& s : value) {
          if (!Service(s, field, out)) return false;
        }
      } else if (key == "domains") {
        if (!value.is_array()) return TypeError(field, "an array");
        for (const auto& d : value) {
          if (!Domain(d, field, out)) return false;
        }
      } else if (key == "autokill" && unsupported_) {
        if (unsupported_->empty()) *unsupported_ = field;
      } else {
        return Unknown(field);
      }
    }
    return true;
  }

 private:
  static std::string Trim(const std::string& prefix) {
    return prefix.empty() ? "body" : prefix.substr(0, prefix.size() - 1);
  }
  bool TypeError(const std::string& field, const char* type) {
    *error_ = "Field '" + field + "' must be " + type;
    return false;
  }
  bool Unknown(const std::string& field) {
    *error_ = "Unknown field '" + field + "'";
    return false;
  }
  // An integer that fits an int (larger values would wrap around into range).
  bool Integer(const json& v, const std::string& field, int* out) {
    if (!v.is_number_integer()) return TypeError(field, "an integer");
    bool fits = v.is_number_unsigned()
                    ? v.get<uint64_t>() <= uint64_t{std::numeric_limits<int>::max()}
                    : v.get<int64_t>() >= std::numeric_limits<int>::min() &&
                          v.get<int64_t>() <= std::numeric_limits<int>::max();
    if (!fits) return TypeError(field, "an integer");
    *out = v.get<int>();
    return true;
  }

  bool Service(const json& s, const std::string& field, CreateServiceGroupRequest* out) {
    if (!s.is_object()) return TypeError(field, "an array of objects");
    ServicePort p;
    bool has_port = false;
    for (const auto& [key, value] : s.items()) {
      if (value.is_null()) continue;
      if (key == "port" || key == "destination_port") {
        if (!Integer(value, field + "." + key, key == "port" ? &p.port : &p.destination_port)) {
          return false;
        }
        has_port = has_port || key == "port";
      } else if (key == "handlers") {
        if (!value.is_array()) return TypeError(field + ".handlers", "an array of strings");
        for (const auto& h : value) {
          if (!h.is_string()) return TypeError(field + ".handlers", "an array of strings");
          p.handlers.push_back(h.get<std::string>());
        }
      } else {
        return Unknown(field + "." + key);
      }
    }
    if (!has_port) return TypeError(field + ".port", "an integer (it is required)");
    out->services.push_back(std::move(p));
    return true;
  }

  bool Domain(const json& d, const std::string& field, CreateServiceGroupRequest* out) {
    if (!d.is_object()) return TypeError(field, "an array of objects");
    CreateDomain domain;
    for (const auto& [key, value] : d.items()) {
      if (value.is_null()) continue;
      if (key == "name") {
        if (!value.is_string()) return TypeError(field + ".name", "a string");
        domain.name = value.get<std::string>();
      } else if (key == "certificate") {
        if (!value.is_object()) return TypeError(field + ".certificate", "an object");
        ObjectRef ref;
        for (const auto& [k, v] : value.items()) {
          if (v.is_null()) continue;
          if (k != "uuid" && k != "name") return Unknown(field + ".certificate." + k);
          if (!v.is_string()) return TypeError(field + ".certificate." + k, "a string");
          (k == "uuid" ? ref.uuid : ref.name) = v.get<std::string>();
        }
        if (!ref.uuid.empty() || !ref.name.empty()) domain.certificate = ref;
      } else {
        return Unknown(field + "." + key);
      }
    }
    out->domains.push_back(std::move(domain));
    return true;
  }

  std::string* error_;
  std::string* unsupported_;
};

}  // namespace

bool ParseCreateServiceGroupRequest(const json& j, CreateServiceGroupRequest* out,
                                    std::string* error, std::string* unsupported,
                                    const std::string& field) {
  return Parser(error, unsupported).Group(j, field.empty() ? "" : field + ".", out);
}

}  // namespace ukc::api
