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
      a.soft_limit != b.soft_limit || a.hard_limit != b.hard_limit ||
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
    if (TakesTraffic(r)) route.backends.push_back({r.view.uuid, r.host_ports, true});
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

Status InstanceController::Wake(const std::string& group_uuid,
                                std::chrono::steady_clock::time_point deadline,
                                proxy::ServiceRoute* route) {
  std::unique_lock lock(mu_);
  InstanceRecord* woken = nullptr;  // the standby instance this call started
  bool cold_boot = false;
  InstanceRecord* ready = nullptr;
  while (!stopping_) {
    std::vector<InstanceRecord*> members;
    for (auto& [uuid, r] : records_) {
      if (r->view.service_group && r->view.service_group->uuid == group_uuid) {
        members.push_back(r.get());
      }
    }
    bool pending = false;
    InstanceRecord* standby = nullptr;
    for (InstanceRecord* r : members) {
      if (TakesTraffic(*r)) ready = r;
      if (r->active() || r->parking) pending = true;
      if (Wakeable(*r) && !standby) standby = r;
    }
    if (ready) break;
    if (!pending && standby) {
      Log(LogLevel::kInfo, "instance " + standby->view.name + ": waking from standby (" +
                               (standby->standby_snapshot ? "restore" : "boot") + ")");
      cold_boot = !standby->standby_snapshot;
      RequestLaunchLocked(standby, false);
      PersistLocked(*standby);
      woken = standby;
      continue;
    }
    if (!pending) return Status::Unavailable("no instance of the service is running or in standby");
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return Status::Unavailable("timed out waking an instance");
    }
  }
  if (!ready) return Status::Unavailable("the platform is shutting down");
  if (ready == woken && cold_boot && options_.port_ready) {
    // A booted guest reports its app started before the app listens: hold the connection until
    // every destination port takes connections (the reference's readiness signal).
    std::map<int, int> ports = ready->host_ports;
    lock.unlock();
    for (const auto& [guest, host] : ports) {
      while (!options_.port_ready(host)) {
        if (std::chrono::steady_clock::now() >= deadline) {
          return Status::Unavailable("timed out waiting for the instance's port " +
                                     std::to_string(guest));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
    }
    lock.lock();
  }
  PublishRoutesLocked();
  auto it = published_.find(group_uuid);
  if (it == published_.end()) return Status::Unavailable("the service group is gone");
  *route = it->second;
  if (route->backends.empty()) return Status::Unavailable("the woken instance stopped again");
  return Status::Ok();
}

}  // namespace ukc::platform
