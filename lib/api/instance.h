// An instance as the platform API reports it (GET /v1/instances items; ukc-api.md §5.1), and the
// create request (POST /v1/instances; §4.1). Shared by ukc-emu (which emits and parses them) and
// kraft (which sends and renders them). Timestamps are RFC3339 UTC strings, "" when unset.
// ToJson emits the union of the fields every client generation reads; optional fields that are
// unset are omitted, except that `scale_to_zero`, when present, always carries policy, stateful
// and cooldown_time_ms (kraftkit dereferences them).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ukc::api {

// Instance states (§5.2).
inline constexpr const char* kStateStopped = "stopped";
inline constexpr const char* kStateStarting = "starting";
inline constexpr const char* kStateRunning = "running";
inline constexpr const char* kStateDraining = "draining";
inline constexpr const char* kStateStopping = "stopping";
inline constexpr const char* kStateStandby = "standby";

// stop_reason bits (§5.3): forced, user, platform, app exited, kernel exited.
inline constexpr int kStopForced = 16, kStopUser = 8, kStopPlatform = 4, kStopApp = 2,
                     kStopKernel = 1;

struct ScaleToZero {
  std::string policy = "off";  // off | on | idle
  bool stateful = false;
  int64_t cooldown_time_ms = 1000;
};

struct Domain {
  std::string fqdn;
};

struct InstanceServiceGroup {
  std::string uuid, name;
  std::vector<Domain> domains;
};

struct InstanceVolume {
  std::string uuid, name, at;
  bool readonly = false;
};

struct NetworkInterface {
  std::string uuid, private_ip, mac;
};

struct RestartInfo {
  int attempt = 0;
  std::string next_at;  // RFC3339, "" when none is scheduled
};

struct Instance {
  std::string uuid, name, created_at, state, image;
  int memory_mb = 128, vcpus = 1;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  int start_count = 0, restart_count = 0;
  std::string started_at, stopped_at;
  int64_t uptime_ms = 0;
  std::string restart_policy = "never";
  std::optional<RestartInfo> restart;
  std::optional<int> stop_reason, stop_code, exit_code;
  std::optional<ScaleToZero> scale_to_zero;
  std::string private_fqdn, private_ip;
  std::optional<InstanceServiceGroup> service_group;
  std::vector<InstanceVolume> volumes;
  std::vector<NetworkInterface> network_interfaces;
  int64_t boot_time_us = 0;  // always emitted (0 when never booted)
  std::vector<std::string> tags;
};

nlohmann::json ToJson(const Instance& instance);
// Lenient (clients): missing or ill-typed fields keep their defaults.
Instance InstanceFromJson(const nlohmann::json& j);

// A published port of a service group (request and response shape).
struct ServicePort {
  int port = 0;
  int destination_port = 0;           // 0: same as port
  std::vector<std::string> handlers;  // tls | http | redirect
  // ukc-emu only (service groups' JSON, as "local_port"): the 127.0.0.1 port its service proxy
  // listens on for `port` — 7443 for 443, 7480 for 80, `port` itself when ≥ 1024 and free, else
  // an ephemeral one. 0: not reported (not listening yet, or the real cloud).
  int local_port = 0;
};

// POST /v1/instances. Optional fields are sent only when set (kraftkit's omitempty rules).
struct CreateInstanceRequest {
  std::optional<std::string> name;
  std::string image;
  std::optional<std::vector<std::string>> args;
  std::map<std::string, std::string> env;
  std::optional<int> memory_mb, vcpus;
  std::optional<bool> autostart;
  std::optional<int> replicas;
  std::optional<std::string> restart_policy;
  // As parsed: fields absent in the request keep their defaults (kraft sends only the options
  // given, e.g. just a cooldown, so `policy` may be missing: then "off").
  std::optional<ScaleToZero> scale_to_zero;
  std::set<std::string> scale_to_zero_keys;  // the keys it carried (parsing only, not sent)
  std::vector<std::string> features;
  std::optional<int64_t> wait_timeout_ms, timeout_s;
  // {"uuid"|"name"} of an existing group, or {"services":[…],"domains":[…]} for a new one.
  std::optional<nlohmann::json> service_group;
  std::optional<nlohmann::json> volumes;
  std::vector<std::string> tags;
};

nlohmann::json ToJson(const CreateInstanceRequest& request);
// Strict (the emulator): unknown fields (outside the union of all client generations) and
// ill-typed values are errors; `*error` says which, as the API's message. `null` counts as
// absent. Fields of newer generations the emulator does not implement are reported in
// `*unsupported` (non-empty: the caller refuses the create per item).
bool ParseCreateInstanceRequest(const nlohmann::json& j, CreateInstanceRequest* out,
                                std::string* error, std::string* unsupported);

}  // namespace ukc::api
