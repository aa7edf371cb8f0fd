// The controller's side of the service proxy (proxy/route_table.h): one ServiceRoute per service
// group — its FQDNs, published ports and the running instances' host ports — published whenever
// an instance or a group changes; connection counts; and Wake, which starts a standby instance
// (restoring its snapshot when stateful) for a connection the proxy holds.
#include <thread>

#include "log.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

namespace {

bool SameBackends(const std::vector<proxy::Backend>& a, const std::vector<proxy::Backend>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].instance_uuid != b[i].instance_uuid || a[i].host_ports != b[i].host_ports ||
        a[i].running != b[i].running) {
      return false;
    }
  }
  return true;
}

bool SameRoute(const proxy::ServiceRoute& a, const proxy::ServiceRoute& b) {
  if (a.fqdns != b.fqdns || a.scale_to_zero != b.scale_to_zero || a.standby != b.standby ||
      a.pending != b.pending || a.soft_limit != b.soft_limit || a.hard_limit != b.hard_limit ||
      a.ports.size() != b.ports.size()) {
    return false;
  }
  for (size_t i = 0; i < a.ports.size(); ++i) {
    if (a.ports[i].port != b.ports[i].port ||
        a.ports[i].destination_port != b.ports[i].destination_port ||
        a.ports[i].handlers != b.ports[i].handlers) {
      return false;
    }
  }
  return SameBackends(a.backends, b.backends);
}

bool TakesTraffic(const InstanceRecord& r) {
  return r.view.state == api::kStateRunning && !r.parking && !r.vm_id.empty() &&
         !r.host_ports.empty() && r.stop_request == 0;
}

// The host ports of the guest ports `r`'s app has been seen listening on: what the proxy may use.
std::map<int, int> ListeningHostPorts(const InstanceRecord& r) {
  std::map<int, int> ports;
  for (const auto& [guest, host] : r.host_ports) {
    if (r.listening_ports.count(guest)) ports[guest] = host;
  }
  return ports;
}

// Serves `destination_port` (0: any port) now.
bool ServesNow(const InstanceRecord& r, int destination_port) {
  if (!TakesTraffic(r)) return false;
  if (destination_port == 0) return !r.listening_ports.empty();
  return r.host_ports.count(destination_port) > 0 && r.listening_ports.count(destination_port) > 0;
}

// On its way to serving: booting (or restoring), or running with a port not listening yet.
bool OnItsWay(const InstanceRecord& r) {
  if (r.stop_request != 0 || r.parking) return false;
  if (r.view.state == api::kStateStarting && r.active()) return true;
  return TakesTraffic(r) && !r.AllPortsListening();
}

bool ScalesToZero(const InstanceRecord& r) {
  return r.view.scale_to_zero && r.view.scale_to_zero->policy != "off";
}

// In standby and not on its way anywhere: a wake may start it.
bool Wakeable(const InstanceRecord& r) {
  return r.view.state == api::kStateStandby && !r.active() && !r.parking;
}

}  // namespace

void InstanceController::ConnectionOpened(const std::string& instance_uuid) {
  connections_.Opened(instance_uuid);
}

void InstanceController::ConnectionClosed(const std::string& instance_uuid) {
  connections_.Closed(instance_uuid);
}

void InstanceController::ExchangeStarted(const std::string& instance_uuid) {
  connections_.ExchangeStarted(instance_uuid);
}

void InstanceController::ExchangeFinished(const std::string& instance_uuid) {
  connections_.ExchangeFinished(instance_uuid);
}

void InstanceController::WakeAnother(const std::string& group_uuid) {
  std::lock_guard lock(mu_);
  InstanceRecord* standby = nullptr;
  for (auto& [uuid, r] : records_) {
    if (!r->view.service_group || r->view.service_group->uuid != group_uuid) continue;
    if ((r->active() && !TakesTraffic(*r)) || r->parking) return;  // one is on its way already
    if (!standby && Wakeable(*r)) standby = r.get();
  }
  if (!standby || stopping_) return;
  Log(LogLevel::kInfo, "instance " + standby->view.name +
                           ": waking from standby (the running ones are at the soft limit)");
  RequestLaunchLocked(standby, false);
  PersistLocked(*standby);
  routes_dirty_ = true;
}

proxy::ServiceRoute InstanceController::RouteLocked(const api::ServiceGroup& group) {
  proxy::ServiceRoute route;
  route.group_uuid = group.uuid;
  route.group_name = group.name;
  for (const auto& d : group.domains) route.fqdns.push_back(d.fqdn);
  route.ports = group.services;
  route.soft_limit = group.soft_limit;
  route.hard_limit = group.hard_limit;
  for (const auto& member : group.instances) {
    auto it = records_.find(member.uuid);
    if (it == records_.end()) continue;
    const InstanceRecord& r = *it->second;
    if (ScalesToZero(r)) route.scale_to_zero = true;
    if (TakesTraffic(r) && !r.listening_ports.empty()) {
      route.backends.push_back({r.view.uuid, ListeningHostPorts(r), true});
    }
    if (OnItsWay(r)) route.pending++;
    if (Wakeable(r)) route.standby++;
  }
  return route;
}

void InstanceController::PublishRoutesLocked() {
  if (!options_.routes || !options_.services) return;
  routes_dirty_ = false;
  routes_seen_generation_ = options_.services->generation();
  std::map<std::string, proxy::ServiceRoute> now;
  for (const auto& group : options_.services->All()) now[group.uuid] = RouteLocked(group);
  for (auto it = published_.begin(); it != published_.end();) {
    if (now.count(it->first)) {
      ++it;
      continue;
    }
    options_.routes->Remove(it->first);
    it = published_.erase(it);
  }
  for (auto& [uuid, route] : now) {
    auto old = published_.find(uuid);
    if (old != published_.end() && SameRoute(old->second, route)) continue;
    options_.routes->Put(route);
    published_[uuid] = std::move(route);
  }
}

void InstanceController::PublishChangedRoutesLocked() {
  if (options_.services &&
      (routes_dirty_ || options_.services->generation() != routes_seen_generation_)) {
    PublishRoutesLocked();
  }
}

void InstanceController::PublishRoutes() {
  std::lock_guard lock(mu_);
  PublishChangedRoutesLocked();
}

Status InstanceController::Wake(const std::string& group_uuid, int destination_port,
                                std::chrono::steady_clock::time_point deadline,
                                proxy::ServiceRoute* route) {
  auto began = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  bool woke = false;
  while (!stopping_) {
    bool ready = false, pending = false, not_listening = false;
    InstanceRecord* standby = nullptr;
    for (auto& [uuid, r] : records_) {
      if (!r->view.service_group || r->view.service_group->uuid != group_uuid) continue;
      if (ServesNow(*r, destination_port)) ready = true;
      if (r->active() || r->parking) pending = true;
      if (TakesTraffic(*r)) not_listening = true;  // running, but not on this port (yet)
      if (Wakeable(*r) && !standby) standby = r.get();
    }
    if (ready) break;
    if (!pending && standby) {
      Log(LogLevel::kInfo, "instance " + standby->view.name + ": waking from standby (" +
                               (standby->standby_snapshot ? "restore" : "boot") + ")");
      RequestLaunchLocked(standby, false);
      PersistLocked(*standby);
      woke = true;
      continue;
    }
    if (!pending) {
      return Status::Unavailable(woke ? "the woken instance stopped again"
                                      : "no instance of the service is running or in standby");
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      auto waited =
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - began)
              .count();
      std::string port = destination_port > 0 ? " on port " + std::to_string(destination_port) : "";
      return Status::Unavailable(
          not_listening
              ? "no instance of the service listens" + port + " after " + std::to_string(waited) +
                    " s (the app runs but does not listen)"
              : "no instance of the service started within " + std::to_string(waited) + " s");
    }
  }
  if (stopping_) return Status::Unavailable("the platform is shutting down");
  PublishRoutesLocked();
  auto it = published_.find(group_uuid);
  if (it == published_.end()) return Status::Unavailable("the service group is gone");
  *route = it->second;
  return Status::Ok();
}

}  // namespace ukc::platform
