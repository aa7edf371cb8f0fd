// What the service proxy routes, fed by the instances controller: per service group its FQDNs,
// its published ports (port → destination port + handlers) and, per instance of the group, where
// its destination ports are reachable on the host (QEMU hostfwd on 127.0.0.1). Thread-safe; the
// proxy reads a snapshot per connection. The controller implements RouteEvents to learn about
// traffic (scale-to-zero idleness, draining) and to wake standby instances.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/instance.h"  // api::ServicePort
#include "base/status.h"

namespace ukc::proxy {

struct Backend {
  std::string instance_uuid;
  std::map<int, int> host_ports;  // destination (guest) port → 127.0.0.1 port
  bool running = false;           // false: standby/starting — a connection must Wake first
};

struct ServiceRoute {
  std::string group_uuid, group_name;
  std::vector<std::string> fqdns;       // lower-case, no trailing dot
  std::vector<api::ServicePort> ports;  // published ports
  // The group's instances that can take traffic; each one's `host_ports` lists only the
  // destination ports its app has been seen listening on.
  std::vector<Backend> backends;
  bool scale_to_zero = false;  // a connection may wake a standby backend
  int standby = 0;             // members in standby that RouteEvents::WakeAnother can start
  // Members on their way to serving: booting, or running with a destination port not seen
  // listening yet. A connection that finds no backend for its port waits for them (Wake).
  int pending = 0;
  int soft_limit = 0;  // exchanges per instance beyond which another one is woken (0: never)
  int hard_limit = 0;  // exchanges per instance never exceeded (0: no limit)
};

// Callbacks from the proxy into the controller. Called from proxy threads; must not block
// except Wake.
class RouteEvents {
 public:
  virtual ~RouteEvents() = default;
  // A connection was opened to / closed on an instance (idle tracking, draining, metrics).
  virtual void ConnectionOpened(const std::string& instance_uuid) = 0;
  virtual void ConnectionClosed(const std::string& instance_uuid) = 0;
  // An exchange began / ended on an instance: an HTTP request until its response is through, or
  // a byte splice (raw TCP, upgraded HTTP) for its lifetime. Open connections between exchanges
  // are idle (scale-to-zero policy `idle`).
  virtual void ExchangeStarted(const std::string& instance_uuid) = 0;
  virtual void ExchangeFinished(const std::string& instance_uuid) = 0;
  // Every running instance of the group is at its soft limit: start one standby member, unless
  // one is starting already. Must not block.
  virtual void WakeAnother(const std::string& group_uuid) = 0;
  // No running backend listens on `destination_port` (0: any): start one of the group's standby
  // instances unless one is on its way, and block until one listens there or `deadline`;
  // returns the route as it is then (Unavailable, with the reason, on timeout).
  virtual Status Wake(const std::string& group_uuid, int destination_port,
                      std::chrono::steady_clock::time_point deadline, ServiceRoute* route) = 0;
};

class RouteTable {
 public:
  void Put(ServiceRoute route);  // replaces the group's route
  void Remove(const std::string& group_uuid);
  // The group serving `host` (SNI or Host header, case-insensitive, port and trailing dot
  // ignored) on published `port`.
  std::optional<ServiceRoute> Find(const std::string& host, int port) const;
  std::vector<ServiceRoute> All() const;
  // Bumped by every Put/Remove: readers cache a Find result while it is unchanged.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // `observer` (one at a time; empty: none) runs after every Put/Remove, in the caller's thread,
  // outside the table's lock: the service proxy opens and closes listeners there. Once
  // SetObserver returns, the previous observer is not running and will not run again.
  void SetObserver(std::function<void()> observer);

 private:
  void Changed();

  std::atomic<uint64_t> generation_{0};
  std::mutex observer_mu_;  // held while the observer runs
  std::function<void()> observer_;
  mutable std::mutex mu_;
  std::map<std::string, ServiceRoute> routes_;  // by group uuid
};

}  // namespace ukc::proxy
