// LoadBalancer: least-connections (TCP) or least-requests-in-flight (HTTP) choice among a route's
// running backends. It counts the client connections attached to each instance (the proxy reserves
// a slot before connecting, confirms it once connected — which reports
// RouteEvents::ConnectionOpened — and releases it when the client connection leaves the instance)
// and the exchanges in flight on them (a reservation starts the first), caps those at the route's
// hard limit, and avoids a backend whose connect failed for a few seconds. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "proxy/route_table.h"

namespace ukc::proxy {

// What "fewest" counts: client connections (TCP mode: a connection keeps its backend) or
// exchanges in flight (HTTP mode: chosen per request; ties go to fewer connections).
enum class Balance { kConnections, kRequests };

struct BackendPick {
  std::string instance_uuid;
  int host_port = 0;
};

class LoadBalancer {
 public:
  LoadBalancer(RouteEvents* events, std::chrono::milliseconds dead_skip);

  // Reserves the running backend of `route` with the fewest connections (or exchanges, `by`)
  // that serves `destination_port`, is not in `exclude` and is below the route's hard limit of
  // exchanges; ties rotate. Backends marked dead are taken only when no other one is left.
  // The pick's first exchange (an HTTP request, or a raw TCP connection's lifetime) starts here,
  // under the same lock as the choice (as ExchangeStarted), so exchanges whose connects are
  // still in flight count toward the hard limit.
  std::optional<BackendPick> Reserve(const ServiceRoute& route, int destination_port,
                                     const std::set<std::string>& exclude,
                                     Balance by = Balance::kConnections);
  // The connect failed: counts down what Reserve counted (RouteEvents::ExchangeFinished for its
  // exchange; no connection events).
  void Unreserve(const BackendPick& pick);
  void Confirm(const BackendPick& pick);  // connected: RouteEvents::ConnectionOpened
  void Release(const BackendPick& pick);  // gone: count down, RouteEvents::ConnectionClosed
  // RouteEvents::ExchangeStarted/Finished for the attached `pick` of `route`, counted per
  // instance. When the route has standby members and this exchange finds every running backend
  // at soft_limit exchanges already, RouteEvents::WakeAnother (at most every 50 ms per group).
  void ExchangeStarted(const BackendPick& pick, const ServiceRoute& route);
  // ExchangeStarted unless `pick` is at the route's hard limit (checked and counted at once);
  // false then, with nothing counted.
  bool TryStartExchange(const BackendPick& pick, const ServiceRoute& route);
  void ExchangeFinished(const BackendPick& pick);
  int Exchanges(const std::string& instance_uuid) const;
  // Whether every running backend of `route` is at its hard limit (false when none runs).
  bool AllAtHardLimit(const ServiceRoute& route) const;
  // For an HTTP connection's next request: true when its attached `pick` is still a running
  // backend of `route` and no other one below the hard limit has fewer exchanges in flight (the
  // connection may stay).
  bool ShouldKeep(const ServiceRoute& route, int destination_port, const BackendPick& pick);
  void MarkDead(const BackendPick& pick);
  int Connections(const std::string& instance_uuid) const;

 private:
  int ExchangesLocked(const std::string& instance_uuid) const;
  int ConnectionsLocked(const std::string& instance_uuid) const;
  // Whether `route` has a running backend and each has at least `limit` exchanges.
  bool AllRunningAtLocked(const ServiceRoute& route, int limit) const;
  bool FullLocked(const std::string& instance_uuid, const ServiceRoute& route) const;
  void DropConnection(const BackendPick& pick);
  // Counts an exchange of `instance_uuid`; true when it should wake another member of `route`.
  bool StartExchangeLocked(const std::string& instance_uuid, const ServiceRoute& route);
  void ReportExchangeStarted(const std::string& instance_uuid, const ServiceRoute& route,
                             bool wake);
  bool Eligible(const Backend& b, int destination_port, std::chrono::steady_clock::time_point now,
                int* host_port) const;

  RouteEvents* events_;
  std::chrono::milliseconds dead_skip_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> connections_;                             // by instance uuid
  std::unordered_map<std::string, int> exchanges_;                               // by instance uuid
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> woke_;  // by group
  std::unordered_map<int, std::chrono::steady_clock::time_point> dead_until_;    // by host port
  unsigned rotation_ = 0;
};

// The destination (guest) port behind published `port` of `route`; 0 when not published.
int DestinationPort(const ServiceRoute& route, int port);
// Whether published `port` of `route` lists `handler`.
bool HasHandler(const ServiceRoute& route, int port, const std::string& handler);
// Whether `route` has a running backend listening on `destination_port`.
bool ServesPort(const ServiceRoute& route, int destination_port);

}  // namespace ukc::proxy
