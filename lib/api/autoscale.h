// Autoscale configurations and policies of a service group (ukc-api.md §8, image-format.md §4.8),
// shared by ukc-emu (emits them, parses requests strictly) and kraft (sends requests, renders
// answers).
//   configuration (GET item): {uuid, name, enabled, min_size, max_size, warmup_time_ms,
//                  cooldown_time_ms, master|template:{uuid, name}, policies:[…]} — the sizes,
//                  times and master only when enabled (a configuration exists).
//   create request: {uuid|name, min_size?, max_size?, warmup_time_ms?, cooldown_time_ms?,
//                  master:{uuid|name} (G1 kraftkit 0.12) | create_args:{template:{uuid|name}}
//                  (G1 2025, G3), policies?:[…]}
//   step policy:   {name, type:"step", metric, adjustment_type, steps:[{adjustment,
//                  lower_bound?, upper_bound?}]} (bounds absent = unbounded)
//   on-demand:     {name, type:"on_demand", exclusive?}
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/service_group.h"  // ObjectRef

namespace ukc::api {

// Defaults of a configuration (G2 spec) and the policy rules (§8.3).
inline constexpr int kDefaultAutoscaleMinSize = 1, kDefaultAutoscaleMaxSize = 4;
inline constexpr int kDefaultWarmupTimeMs = 1000, kDefaultCooldownTimeMs = 1000;
inline constexpr int kMaxAutoscaleSteps = 4, kMaxAutoscalePolicies = 8;

struct AutoscaleStep {
  int adjustment = 0;
  std::optional<int> lower_bound, upper_bound;
};

struct AutoscalePolicy {
  std::string name;
  std::string type = "step";    // step | on_demand
  std::string metric;           // step: cpu | inflight_reqs | reqs_per_sec
  std::string adjustment_type;  // step: change | exact | percent | percentage | absolute
  std::vector<AutoscaleStep> steps;
  std::optional<bool> exclusive;  // on_demand
};

struct AutoscaleConfig {
  std::string status;      // of a GET item as read by clients: "success", "unconfigured", "error"
  std::string uuid, name;  // the service group
  bool enabled = false;
  int min_size = kDefaultAutoscaleMinSize, max_size = kDefaultAutoscaleMaxSize;
  int warmup_time_ms = kDefaultWarmupTimeMs, cooldown_time_ms = kDefaultCooldownTimeMs;
  ObjectRef master;                   // the instance new instances are cloned from
  std::string master_key = "master";  // how the request named it: "master" or "template"
  std::vector<AutoscalePolicy> policies;
};

struct CreateAutoscaleRequest {
  ObjectRef service;  // "" when absent (local scope names the service in the path)
  std::optional<int> min_size, max_size, warmup_time_ms, cooldown_time_ms;
  std::optional<ObjectRef> master, template_ref;  // `master` or `create_args.template`
  std::vector<AutoscalePolicy> policies;
};

nlohmann::json ToJson(const AutoscaleStep& step);
nlohmann::json ToJson(const AutoscalePolicy& policy);
// A GET item without `status` (the caller adds it).
nlohmann::json ToJson(const AutoscaleConfig& config);
// The request as kraftkit's G1 SDK writes it: key order of its structs / custom marshaller.
std::string ToWireText(const AutoscalePolicy& policy);
std::string ToWireText(const CreateAutoscaleRequest& request);

// Lenient (clients): missing or ill-typed fields keep their defaults. A configuration reads its
// master from `master` or `template`.
AutoscalePolicy AutoscalePolicyFromJson(const nlohmann::json& j);
AutoscaleConfig AutoscaleConfigFromJson(const nlohmann::json& j);

// Strict (the emulator): only the fields above, typed as above (null counts as absent); false
// with `*error` ("Unknown field 'x'", "Field 'x' must be …") otherwise. `create_args.roms` is
// not emulated: it sets `*unsupported` (the caller answers a per-item error). Value rules
// (sizes, policy types, step bounds) are not checked here: see CheckAutoscalePolicy.
bool ParseAutoscalePolicy(const nlohmann::json& j, AutoscalePolicy* out, std::string* error,
                          const std::string& field = "");
bool ParseCreateAutoscaleRequest(const nlohmann::json& j, CreateAutoscaleRequest* out,
                                 std::string* error, std::string* unsupported);

// The policy rules of §8.3: a name; type step or on_demand; for step: a metric (cpu,
// inflight_reqs, reqs_per_sec), an adjustment type (change, exact, percent, percentage,
// absolute; "" = change), 1…4 steps, lower < upper, only the first step without a lower bound,
// only the last without an upper bound, never both absent, ascending without gaps or overlaps;
// on_demand: no metric, adjustment type or steps. "" when fine, else the reason.
std::string CheckAutoscalePolicy(const AutoscalePolicy& policy);

}  // namespace ukc::api
