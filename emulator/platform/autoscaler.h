// The scaling engine (docs/compatibility.md "Autoscale"): a pure decision function and a driver
// that applies it every 500 ms to each configured service group through AutoscaleTarget (the
// instances controller implements it).
//
// The rule, for one group with configuration C, R running instances (running or starting) and
// N concurrent proxy connections over the group:
//   per_instance = ConnectionsPerInstance(C)
//   demand       = clamp(ceil(N / per_instance), C.min_size, C.max_size)
//   demand > R: scale up to demand at once, unless the last scale-up is less than
//               C.warmup_time_ms old (the new instances are still warming up): then hold.
//   demand < R: scale down to demand once the group has gone C.cooldown_time_ms without a
//               demand ≥ R (the driver keeps that time, see ScaleHistory); R > max_size scales
//               down at once.
// The driver only ever removes instances it created (newest first), never the master or
// instances the user created; a created instance found not running (stopped, standby, crashed)
// is deleted at once; a scale-up is capped so that all instances of the group stay ≤ max_size.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/autoscale.h"
#include "base/status.h"
#include "platform/autoscale_registry.h"

namespace ukc::platform {

// Connections one instance is meant to carry without the group scaling out.
inline constexpr int kDefaultConnectionsPerInstance = 1;

// The load of one service group, as the controller and the proxy see it.
struct GroupLoad {
  std::string group_uuid;
  std::vector<std::string> running;  // instances running or starting
  std::vector<std::string> idle;     // every other instance of the group (standby, stopped, …)
  int64_t connections = 0;           // concurrent proxy connections over the group
};

class AutoscaleTarget {
 public:
  virtual ~AutoscaleTarget() = default;
  // One entry per service group that has instances (groups without an entry have none).
  virtual std::vector<GroupLoad> Loads() = 0;
  // Creates and starts a clone of `master_uuid` (same image, args, env, memory, …) attached to
  // the group; `*instance_uuid` is the new instance.
  virtual Status AddInstance(const std::string& user, const std::string& group_uuid,
                             const std::string& master_uuid, std::string* instance_uuid) = 0;
  // Deletes the instance (draining it first is the controller's business).
  virtual Status RemoveInstance(const std::string& user, const std::string& instance_uuid) = 0;
};

// What the driver remembers per group between decisions.
struct ScaleHistory {
  std::optional<int64_t> last_up_ms;  // when the last scale-up happened
  int64_t last_busy_ms = 0;           // the last time demand was ≥ the running instances
};

// Step policies on `inflight_reqs` give the threshold: the lowest lower bound (> 0) of a step
// with a positive adjustment. Otherwise (cpu / reqs_per_sec are not measured, on_demand, no
// policy) kDefaultConnectionsPerInstance.
int ConnectionsPerInstance(const api::AutoscaleConfig& config);
// clamp(ceil(connections / per_instance), min_size, max_size).
int Demand(const api::AutoscaleConfig& config, int64_t connections);
// The number of running instances the group should have now (see the rule above).
int DesiredInstances(const api::AutoscaleConfig& config, int running, int64_t connections,
                     const ScaleHistory& history, int64_t now_ms);

struct AutoscalerOptions {
  std::chrono::milliseconds interval{500};
  std::function<int64_t()> now_ms;  // default: steady clock in ms
  // When set, a configuration whose group no longer exists is dropped.
  std::function<bool(const std::string& user, const std::string& group_uuid)> group_exists;
};

class Autoscaler {
 public:
  Autoscaler(AutoscaleRegistry* registry, AutoscaleTarget* target, AutoscalerOptions options = {});
  ~Autoscaler();
  void Start();  // the driver thread: Tick() every interval
  void Stop();
  void Tick();  // one pass over every configuration (tests call it directly)

 private:
  void ScaleGroup(const AutoscaleRecord& record, const GroupLoad& load, int64_t now);

  AutoscaleRegistry* registry_;
  AutoscaleTarget* target_;
  AutoscalerOptions options_;
  std::map<std::string, ScaleHistory> history_;  // by group uuid; only the driver thread
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ukc::platform
