// LoadBalancer and route helpers. See load_balancer.h for the contract.
#include "proxy/load_balancer.h"

#include <algorithm>
#include <climits>

namespace ukc::proxy {

int DestinationPort(const ServiceRoute& route, int port) {
  for (const auto& p : route.ports) {
    if (p.port == port) return p.destination_port != 0 ? p.destination_port : p.port;
  }
  return 0;
}

bool HasHandler(const ServiceRoute& route, int port, const std::string& handler) {
  for (const auto& p : route.ports) {
    if (p.port == port) {
      return std::find(p.handlers.begin(), p.handlers.end(), handler) != p.handlers.end();
    }
  }
  return false;
}

bool ServesPort(const ServiceRoute& route, int destination_port) {
  return std::any_of(route.backends.begin(), route.backends.end(), [&](const Backend& b) {
    return b.running && b.host_ports.count(destination_port) > 0;
  });
}

LoadBalancer::LoadBalancer(RouteEvents* events, std::chrono::milliseconds dead_skip)
    : events_(events), dead_skip_(dead_skip) {}

bool LoadBalancer::Eligible(const Backend& b, int destination_port,
                            std::chrono::steady_clock::time_point now, int* host_port) const {
  if (!b.running) return false;
  auto port = b.host_ports.find(destination_port);
  if (port == b.host_ports.end() || port->second <= 0) return false;
  auto dead = dead_until_.find(port->second);
  if (dead != dead_until_.end() && dead->second > now) return false;
  *host_port = port->second;
  return true;
}

std::optional<BackendPick> LoadBalancer::Reserve(const ServiceRoute& route, int destination_port,
                                                 const std::set<std::string>& exclude, Balance by) {
  auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  const size_t n = route.backends.size();
  const size_t start = n == 0 ? 0 : rotation_++ % n;
  // Backends marked dead are tried only when no other one is left.
  for (bool include_dead : {false, true}) {
    std::pair<int, int> best_load{INT_MAX, INT_MAX};  // (exchanges or 0, connections)
    std::optional<BackendPick> best;
    for (size_t k = 0; k < n; k++) {
      const Backend& b = route.backends[(start + k) % n];
      int host_port;
      auto dead_after = include_dead ? std::chrono::steady_clock::time_point::max() : now;
      if (!Eligible(b, destination_port, dead_after, &host_port) ||
          exclude.count(b.instance_uuid) || FullLocked(b.instance_uuid, route)) {
        continue;
      }
      std::pair<int, int> load{by == Balance::kRequests ? ExchangesLocked(b.instance_uuid) : 0,
                               ConnectionsLocked(b.instance_uuid)};
      if (load < best_load) {
        best_load = load;
        best = BackendPick{b.instance_uuid, host_port};
      }
    }
    if (best) {
      connections_[best->instance_uuid]++;
      bool wake = StartExchangeLocked(best->instance_uuid, route);
      lock.unlock();
      ReportExchangeStarted(best->instance_uuid, route, wake);
      return best;
    }
  }
  return std::nullopt;
}

void LoadBalancer::Unreserve(const BackendPick& pick) {
  ExchangeFinished(pick);
  DropConnection(pick);
}

void LoadBalancer::DropConnection(const BackendPick& pick) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(pick.instance_uuid);
  if (it != connections_.end() && --it->second <= 0) {
    connections_.erase(it);
    if (auto e = exchanges_.find(pick.instance_uuid); e != exchanges_.end() && e->second == 0) {
      exchanges_.erase(e);
    }
  }
}

void LoadBalancer::Confirm(const BackendPick& pick) {
  if (events_ != nullptr) events_->ConnectionOpened(pick.instance_uuid);
}

void LoadBalancer::Release(const BackendPick& pick) {
  DropConnection(pick);
  if (events_ != nullptr) events_->ConnectionClosed(pick.instance_uuid);
}

bool LoadBalancer::StartExchangeLocked(const std::string& instance_uuid,
                                       const ServiceRoute& route) {
  bool wake = false;
  // Saturated when this exchange finds every running backend at its soft limit already.
  if (route.standby > 0 && route.soft_limit > 0 && AllRunningAtLocked(route, route.soft_limit)) {
    auto now = std::chrono::steady_clock::now();
    auto& last = woke_[route.group_uuid];
    if (now - last >= std::chrono::milliseconds(50)) {
      last = now;
      wake = true;
    }
  }
  exchanges_[instance_uuid]++;
  return wake;
}

void LoadBalancer::ReportExchangeStarted(const std::string& instance_uuid,
                                         const ServiceRoute& route, bool wake) {
  if (events_ == nullptr) return;
  events_->ExchangeStarted(instance_uuid);
  if (wake) events_->WakeAnother(route.group_uuid);
}

void LoadBalancer::ExchangeStarted(const BackendPick& pick, const ServiceRoute& route) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    wake = StartExchangeLocked(pick.instance_uuid, route);
  }
  ReportExchangeStarted(pick.instance_uuid, route, wake);
}

bool LoadBalancer::TryStartExchange(const BackendPick& pick, const ServiceRoute& route) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    if (FullLocked(pick.instance_uuid, route)) return false;
    wake = StartExchangeLocked(pick.instance_uuid, route);
  }
  ReportExchangeStarted(pick.instance_uuid, route, wake);
  return true;
}

void LoadBalancer::ExchangeFinished(const BackendPick& pick) {
  {
    std::lock_guard lock(mu_);
    // Kept at 0 (no node freed and made again per request); Unreserve drops it with the last
    // connection.
    auto it = exchanges_.find(pick.instance_uuid);
    if (it != exchanges_.end() && it->second > 0) it->second--;
  }
  if (events_ != nullptr) events_->ExchangeFinished(pick.instance_uuid);
}

int LoadBalancer::ExchangesLocked(const std::string& instance_uuid) const {
  auto it = exchanges_.find(instance_uuid);
  return it == exchanges_.end() ? 0 : it->second;
}

int LoadBalancer::ConnectionsLocked(const std::string& instance_uuid) const {
  auto it = connections_.find(instance_uuid);
  return it == connections_.end() ? 0 : it->second;
}

bool LoadBalancer::AllRunningAtLocked(const ServiceRoute& route, int limit) const {
  bool any = false;
  for (const auto& b : route.backends) {
    if (!b.running) continue;
    if (ExchangesLocked(b.instance_uuid) < limit) return false;
    any = true;
  }
  return any;
}

bool LoadBalancer::FullLocked(const std::string& instance_uuid, const ServiceRoute& route) const {
  return route.hard_limit > 0 && ExchangesLocked(instance_uuid) >= route.hard_limit;
}

bool LoadBalancer::AllAtHardLimit(const ServiceRoute& route) const {
  if (route.hard_limit <= 0) return false;
  std::lock_guard lock(mu_);
  return AllRunningAtLocked(route, route.hard_limit);
}

int LoadBalancer::Exchanges(const std::string& instance_uuid) const {
  std::lock_guard lock(mu_);
  return ExchangesLocked(instance_uuid);
}

bool LoadBalancer::ShouldKeep(const ServiceRoute& route, int destination_port,
                              const BackendPick& pick) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  bool found = false;
  int others_min = INT_MAX;
  for (const Backend& b : route.backends) {
    int host_port;
    if (!Eligible(b, destination_port, now, &host_port)) continue;
    if (b.instance_uuid == pick.instance_uuid) {
      found = host_port == pick.host_port;
    } else if (!FullLocked(b.instance_uuid, route)) {
      others_min = std::min(others_min, ExchangesLocked(b.instance_uuid));
    }
  }
  return found && ExchangesLocked(pick.instance_uuid) <= others_min;
}

void LoadBalancer::MarkDead(const BackendPick& pick) {
  std::lock_guard lock(mu_);
  dead_until_[pick.host_port] = std::chrono::steady_clock::now() + dead_skip_;
}

int LoadBalancer::Connections(const std::string& instance_uuid) const {
  std::lock_guard lock(mu_);
  return ConnectionsLocked(instance_uuid);
}

}  // namespace ukc::proxy
