// Rendering and lenient reading of autoscale configurations and policies (autoscale.h); the
// strict request parsing and the policy rules are in autoscale_parse.cc.
#include "api/autoscale.h"

namespace ukc::api {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string String(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int> OptInt(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

ObjectRef Ref(const json& j) {
  return j.is_object() ? ObjectRef{String(j, "uuid"), String(j, "name")} : ObjectRef{};
}

ordered_json RefJson(const ObjectRef& ref) {
  return ref.uuid.empty() ? ordered_json{{"name", ref.name}} : ordered_json{{"uuid", ref.uuid}};
}

ordered_json StepWire(const AutoscaleStep& s) {
  ordered_json step = {{"adjustment", s.adjustment}};
  if (s.lower_bound) step["lower_bound"] = *s.lower_bound;
  if (s.upper_bound) step["upper_bound"] = *s.upper_bound;
  return step;
}

ordered_json PolicyWire(const AutoscalePolicy& p) {
  ordered_json j = {{"name", p.name}, {"type", p.type}};
  if (p.type == "on_demand") {
    if (p.exclusive) j["exclusive"] = *p.exclusive;
    return j;
  }
  j["metric"] = p.metric;
  j["adjustment_type"] = p.adjustment_type;
  ordered_json steps = ordered_json::array();
  for (const auto& s : p.steps) steps.push_back(StepWire(s));
  j["steps"] = steps;
  return j;
}

}  // namespace

json ToJson(const AutoscaleStep& s) { return json::parse(StepWire(s).dump()); }

json ToJson(const AutoscalePolicy& p) { return json::parse(PolicyWire(p).dump()); }

json ToJson(const AutoscaleConfig& c) {
  json policies = json::array();
  for (const auto& p : c.policies) policies.push_back(ToJson(p));
  json j = {{"uuid", c.uuid}, {"name", c.name}, {"enabled", c.enabled}, {"policies", policies}};
  if (!c.enabled) return j;
  j["min_size"] = c.min_size;
  j["max_size"] = c.max_size;
  j["warmup_time_ms"] = c.warmup_time_ms;
  j["cooldown_time_ms"] = c.cooldown_time_ms;
  j[c.master_key == "template" ? "template" : "master"] = {{"uuid", c.master.uuid},
                                                           {"name", c.master.name}};
  return j;
}

std::string ToWireText(const AutoscalePolicy& p) { return PolicyWire(p).dump(); }

std::string ToWireText(const CreateAutoscaleRequest& r) {
  ordered_json j = ordered_json::object();
  if (!r.service.uuid.empty()) j["uuid"] = r.service.uuid;
  if (r.service.uuid.empty()) j["name"] = r.service.name;
  if (r.min_size) j["min_size"] = *r.min_size;
  if (r.max_size) j["max_size"] = *r.max_size;
  if (r.warmup_time_ms) j["warmup_time_ms"] = *r.warmup_time_ms;
  if (r.cooldown_time_ms) j["cooldown_time_ms"] = *r.cooldown_time_ms;
  if (r.master) j["master"] = RefJson(*r.master);
  if (r.template_ref) j["create_args"] = {{"template", RefJson(*r.template_ref)}};
  if (!r.policies.empty()) {
    ordered_json policies = ordered_json::array();
    for (const auto& p : r.policies) policies.push_back(PolicyWire(p));
    j["policies"] = policies;
  }
  return j.dump();
}

AutoscalePolicy AutoscalePolicyFromJson(const json& j) {
  AutoscalePolicy p;
  if (!j.is_object()) return p;
  p.name = String(j, "name");
  p.type = String(j, "type");
  p.metric = String(j, "metric");
  p.adjustment_type = String(j, "adjustment_type");
  if (auto it = j.find("exclusive"); it != j.end() && it->is_boolean())
    p.exclusive = it->get<bool>();
  if (auto it = j.find("steps"); it != j.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (!s.is_object()) continue;
      p.steps.push_back({OptInt(s, "adjustment").value_or(0), OptInt(s, "lower_bound"),
                         OptInt(s, "upper_bound")});
    }
  }
  return p;
}

AutoscaleConfig AutoscaleConfigFromJson(const json& j) {
  AutoscaleConfig c;
  if (!j.is_object()) return c;
  c.status = String(j, "status");
  c.uuid = String(j, "uuid");
  c.name = String(j, "name");
  auto enabled = j.find("enabled");
  c.enabled = enabled != j.end() && enabled->is_boolean() && enabled->get<bool>();
  c.min_size = OptInt(j, "min_size").value_or(0);
  c.max_size = OptInt(j, "max_size").value_or(0);
  c.warmup_time_ms = OptInt(j, "warmup_time_ms").value_or(0);
  c.cooldown_time_ms = OptInt(j, "cooldown_time_ms").value_or(0);
  for (const char* key : {"master", "template"}) {
    if (auto it = j.find(key); it != j.end() && it->is_object()) {
      c.master = Ref(*it);
      c.master_key = key;
    }
  }
  if (auto it = j.find("policies"); it != j.end() && it->is_array()) {
    for (const auto& p : *it) c.policies.push_back(AutoscalePolicyFromJson(p));
  }
  return c;
}

}  // namespace ukc::api
