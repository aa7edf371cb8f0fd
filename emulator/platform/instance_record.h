// What the controller keeps per instance: the API view (api::Instance: identity, config, state,
// counters, stop details) plus what only the emulator needs (owner, pinned image, features,
// service ports, the current VM). Persisted as one JSON document per instance.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/instance.h"
#include "base/rfc3339.h"

namespace ukc::platform {

struct InstanceRecord {
  std::string user;
  api::Instance view;
  std::string image_repository;  // "alice/app", "official/python"
  std::string image_digest;      // "sha256:…" the tag pointed at when the instance was created
  std::vector<std::string> features;
  std::vector<api::ServicePort> services;  // published ports (from service_group on create)
  int64_t sequence = 0;                    // creation order, for stable listing
  int network_index = 0;                   // private IP / MAC slot

  // Runtime, persisted so a restarted daemon can tell what was running.
  std::string vm_id;              // the VM of the current boot; "" when none
  int64_t running_since_ms = 0;   // unix ms when the app reached running; 0 when not running
  int64_t uptime_before_ms = 0;   // uptime of earlier boots
  int64_t restart_at_ms = 0;      // unix ms of a scheduled policy restart; 0 when none
  int stop_request = 0;           // stop_reason bits of a stop in progress (user/force/platform)
  bool launch_pending = false;    // start requested, VM not launched yet
  bool restarting = false;        // the pending launch is a policy restart
  int64_t drain_until_ms = 0;     // draining: stop when connections end or at this unix ms
  int64_t launch_generation = 0;  // not persisted: tells a launch in flight it was superseded
  // Scale-to-zero. `standby_snapshot`: the standby instance's VM state is saved in
  // <instance dir>/standby.snapshot and its next launch restores it (stateful). Not persisted:
  // `parking` while the parker stops or snapshots the VM on its way to standby; `host_ports`
  // where the running VM's guest ports are reachable (the proxy's backends).
  // `preparing` while the preparer thread takes a stateless instance's ready snapshot (the
  // preparation `prepare_token` names; any launch, stop or delete clears it).
  bool standby_snapshot = false;
  bool parking = false;
  bool preparing = false;
  int64_t prepare_token = 0;
  std::map<int, int> host_ports;
  // Not persisted: routing readiness of the current VM. `listening_ports`: guest ports its app
  // has been seen listening on (reported by ukc-init, probed from the host for guests that do
  // not report, or all of them for a VM restored from a snapshot taken while listening); the
  // proxy routes a port of the instance only once it is here. `restored`: the current VM
  // resumed such a snapshot. `guest_reports`: ukc-init reports its ports (no host probes).
  std::set<int> listening_ports;
  bool restored = false, guest_reports = false;
  int64_t active_at_ms = 0;  // not persisted: monotonic ms it became running (idle basis)
  // Not persisted: bumped on every change; the cached ToJson text of `view` (split around its
  // uptime_ms value, which changes while running) is valid for `json_revision`.
  int64_t revision = 0, json_revision = -1;
  std::string json_before_uptime, json_after_uptime;

  bool delete_on_stop() const;
  bool active() const { return !vm_id.empty() || launch_pending; }
  // Counts against live memory/vCPU quotas: neither stopped nor in standby.
  bool live() const { return view.state != api::kStateStopped && view.state != api::kStateStandby; }
  // Every forwarded guest port has been seen listening.
  bool AllPortsListening() const {
    for (const auto& [guest, host] : host_ports) {
      if (!listening_ports.count(guest)) return false;
    }
    return true;
  }
};

nlohmann::json RecordToJson(const InstanceRecord& record);
bool RecordFromJson(const nlohmann::json& j, InstanceRecord* out);

}  // namespace ukc::platform
