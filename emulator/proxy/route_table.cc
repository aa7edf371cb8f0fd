// RouteTable: the service proxy's routes, keyed by service group; lookups by host name and
// published port. See route_table.h for the contract.
#include "proxy/route_table.h"

#include <algorithm>
#include <cctype>

namespace ukc::proxy {
namespace {

// Lower-case host without ":port" and without a trailing dot ("[v6]:port" keeps the brackets).
std::string NormalizeHost(const std::string& host) {
  std::string h = host;
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    if (close != std::string::npos) h.resize(close + 1);
  } else if (size_t colon = h.rfind(':'); colon != std::string::npos && h.find(':') == colon) {
    h.resize(colon);
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return h;
}

bool Publishes(const ServiceRoute& route, int port) {
  return std::any_of(route.ports.begin(), route.ports.end(),
                     [port](const api::ServicePort& p) { return p.port == port; });
}

}  // namespace

void RouteTable::Put(ServiceRoute route) {
  for (auto& fqdn : route.fqdns) fqdn = NormalizeHost(fqdn);
  {
    std::lock_guard lock(mu_);
    std::string key = route.group_uuid;
    routes_[key] = std::move(route);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  Changed();
}

void RouteTable::Remove(const std::string& group_uuid) {
  {
    std::lock_guard lock(mu_);
    routes_.erase(group_uuid);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  Changed();
}

void RouteTable::SetObserver(std::function<void()> observer) {
  std::lock_guard lock(observer_mu_);
  observer_ = std::move(observer);
}

void RouteTable::Changed() {
  std::lock_guard lock(observer_mu_);
  if (observer_) observer_();
}

std::optional<ServiceRoute> RouteTable::Find(const std::string& host, int port) const {
  std::string wanted = NormalizeHost(host);
  if (wanted.empty()) return std::nullopt;
  std::lock_guard lock(mu_);
  for (const auto& [uuid, route] : routes_) {
    if (!Publishes(route, port)) continue;
    if (std::find(route.fqdns.begin(), route.fqdns.end(), wanted) != route.fqdns.end()) {
      return route;
    }
  }
  return std::nullopt;
}

std::vector<ServiceRoute> RouteTable::All() const {
  std::lock_guard lock(mu_);
  std::vector<ServiceRoute> all;
  all.reserve(routes_.size());
  for (const auto& [uuid, route] : routes_) all.push_back(route);
  return all;
}

}  // namespace ukc::proxy
