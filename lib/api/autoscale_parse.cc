// Strict parsing of autoscale requests and the policy rules (autoscale.h): what ukc-emu accepts.
#include <limits>
#include <set>

#include "api/autoscale.h"

namespace ukc::api {

using nlohmann::json;

namespace {

class Parser {
 public:
  explicit Parser(std::string* error) : error_(error) {}

  bool TypeError(const std::string& field, const char* type) {
    *error_ = "Field '" + field + "' must be " + type;
    return false;
  }
  bool Unknown(const std::string& field) {
    *error_ = "Unknown field '" + field + "'";
    return false;
  }
  // An integer that fits an int.
  bool Integer(const json& v, const std::string& field, int* out) {
    bool fits =
        v.is_number_integer() &&
        (v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t{std::numeric_limits<int>::max()}
                                : v.get<int64_t>() >= std::numeric_limits<int>::min() &&
                                      v.get<int64_t>() <= std::numeric_limits<int>::max());
    if (!fits) return TypeError(field, "an integer");
    *out = v.get<int>();
    return true;
  }
  bool Text(const json& v, const std::string& field, std::string* out) {
    if (!v.is_string()) return TypeError(field, "a string");
    *out = v.get<std::string>();
    return true;
  }
  // {uuid|name}: both strings; "" and null count as absent.
  bool Ref(const json& v, const std::string& field, ObjectRef* out) {
    if (!v.is_object()) return TypeError(field, "an object");
    for (const auto& [key, value] : v.items()) {
      if (value.is_null()) continue;
      if (key != "uuid" && key != "name") return Unknown(field + "." + key);
      if (!Text(value, field + "." + key, key == "uuid" ? &out->uuid : &out->name)) return false;
    }
    return true;
  }

  bool Step(const json& s, const std::string& field, AutoscalePolicy* out) {
    if (!s.is_object()) return TypeError(field, "an array of objects");
    AutoscaleStep step;
    for (const auto& [key, value] : s.items()) {
      if (value.is_null()) continue;
      int n = 0;
      if (key != "adjustment" && key != "lower_bound" && key != "upper_bound") {
        return Unknown(field + "." + key);
      }
      if (!Integer(value, field + "." + key, &n)) return false;
      if (key == "adjustment") step.adjustment = n;
      if (key == "lower_bound") step.lower_bound = n;
      if (key == "upper_bound") step.upper_bound = n;
    }
    out->steps.push_back(step);
    return true;
  }

  bool Policy(const json& j, const std::string& prefix, AutoscalePolicy* out) {
    if (!j.is_object()) return TypeError(prefix.empty() ? "body" : prefix, "an object");
    const std::string dot = prefix.empty() ? "" : prefix + ".";
    out->type.clear();
    for (const auto& [key, value] : j.items()) {
      if (value.is_null()) continue;
      const std::string field = dot + key;
      if (key == "name" || key == "type" || key == "metric" || key == "adjustment_type") {
        std::string* target = key == "name"     ? &out->name
                              : key == "type"   ? &out->type
                              : key == "metric" ? &out->metric
                                                : &out->adjustment_type;
        if (!Text(value, field, target)) return false;
      } else if (key == "steps") {
        if (!value.is_array()) return TypeError(field, "an array");
        for (const auto& s : value) {
          if (!Step(s, field, out)) return false;
        }
      } else if (key == "exclusive" || key == "enabled") {
        if (!value.is_boolean()) return TypeError(field, "a boolean");
        if (key == "exclusive") out->exclusive = value.get<bool>();
      } else {
        return Unknown(field);
      }
    }
    return true;
  }

  bool CreateArgs(const json& v, CreateAutoscaleRequest* out, std::string* unsupported) {
    if (!v.is_object()) return TypeError("create_args", "an object");
    for (const auto& [key, value] : v.items()) {
      if (value.is_null()) continue;
      if (key == "template") {
        ObjectRef ref;
        if (!Ref(value, "create_args.template", &ref)) return false;
        out->template_ref = ref;
      } else if (key == "roms") {
        if (unsupported->empty()) *unsupported = "create_args.roms";
      } else {
        return Unknown("create_args." + key);
      }
    }
    return true;
  }

  bool Create(const json& j, CreateAutoscaleRequest* out, std::string* unsupported) {
    if (!j.is_object()) return TypeError("body", "an object");
    for (const auto& [key, value] : j.items()) {
      if (value.is_null()) continue;
      if (key == "uuid" || key == "name") {
        if (!Text(value, key, key == "uuid" ? &out->service.uuid : &out->service.name)) {
          return false;
        }
      } else if (key == "min_size" || key == "max_size" || key == "warmup_time_ms" ||
                 key == "cooldown_time_ms") {
        int n = 0;
        if (!Integer(value, key, &n)) return false;
        (key == "min_size"         ? out->min_size
         : key == "max_size"       ? out->max_size
         : key == "warmup_time_ms" ? out->warmup_time_ms
                                   : out->cooldown_time_ms) = n;
      } else if (key == "master") {
        ObjectRef ref;
        if (!Ref(value, "master", &ref)) return false;
        out->master = ref;
      } else if (key == "create_args") {
        if (!CreateArgs(value, out, unsupported)) return false;
      } else if (key == "policies") {
        if (!value.is_array()) return TypeError("policies", "an array");
        for (const auto& p : value) {
          AutoscalePolicy policy;
          if (!Policy(p, "policies", &policy)) return false;
          out->policies.push_back(std::move(policy));
        }
      } else {
        return Unknown(key);
      }
    }
    return true;
  }

 private:
  std::string* error_;
};

std::string CheckSteps(const std::vector<AutoscaleStep>& steps) {
  if (steps.empty() || steps.size() > size_t{kMaxAutoscaleSteps}) {
    return "A step policy needs between 1 and " + std::to_string(kMaxAutoscaleSteps) + " steps";
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const AutoscaleStep& s = steps[i];
    const std::string where = "Step " + std::to_string(i + 1);
    if (!s.lower_bound && !s.upper_bound) return where + ": lower and upper bound are both absent";
    if (s.lower_bound && s.upper_bound && *s.lower_bound >= *s.upper_bound) {
      return where + ": the lower bound must be less than the upper bound";
    }
    if (!s.lower_bound && i != 0) return where + ": only the first step may omit the lower bound";
    if (!s.upper_bound && i + 1 != steps.size()) {
      return where + ": only the last step may omit the upper bound";
    }
    if (i > 0 && *steps[i - 1].upper_bound != *s.lower_bound) {
      return where + ": steps must be ascending without gaps or overlaps (" +
             std::to_string(*steps[i - 1].upper_bound) + " then " + std::to_string(*s.lower_bound) +
             ")";
    }
  }
  return "";
}

}  // namespace

bool ParseAutoscalePolicy(const json& j, AutoscalePolicy* out, std::string* error,
                          const std::string& field) {
  return Parser(error).Policy(j, field, out);
}

bool ParseCreateAutoscaleRequest(const json& j, CreateAutoscaleRequest* out, std::string* error,
                                 std::string* unsupported) {
  return Parser(error).Create(j, out, unsupported);
}

std::string CheckAutoscalePolicy(const AutoscalePolicy& p) {
  static const std::set<std::string> kMetrics = {"cpu", "inflight_reqs", "reqs_per_sec"};
  static const std::set<std::string> kAdjustments = {"",        "change",     "exact",
                                                     "percent", "percentage", "absolute"};
  if (p.name.empty()) return "A policy needs a name";
  if (p.name.size() > 64) return "Policy name '" + p.name + "' is longer than 64 characters";
  if (p.type == "on_demand") {
    if (!p.metric.empty() || !p.adjustment_type.empty() || !p.steps.empty()) {
      return "An on_demand policy takes no metric, adjustment_type or steps";
    }
    return "";
  }
  if (p.type.empty()) return "A policy needs a type (step or on_demand)";
  if (p.type != "step") return "Invalid policy type '" + p.type + "' (step or on_demand)";
  if (p.exclusive) return "Only on_demand policies take 'exclusive'";
  if (!kMetrics.count(p.metric)) {
    return "Invalid metric '" + p.metric + "' (cpu, inflight_reqs or reqs_per_sec)";
  }
  if (!kAdjustments.count(p.adjustment_type)) {
    return "Invalid adjustment_type '" + p.adjustment_type +
           "' (change, exact, percent, percentage or absolute)";
  }
  return CheckSteps(p.steps);
}

}  // namespace ukc::api
