// The UKC platform API v1 on the API listener (docs/compatibility.md lists what exists). Every
// request needs a valid token (`Authorization: Bearer <token>`); without one: 401 in the
// platform's envelope, as kraftkit's metro probe expects. Paths are served under /v1 (a doubled
// /v1/v1 from clients that add their own prefix is accepted). Unknown endpoints: 404
// "No API endpoint". Bodies are read on GET too (kraftkit sends lookups as GET with JSON).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "access/authenticator.h"
#include "http/exchange.h"
#include "platform/api_call.h"
#include "platform/autoscale_registry.h"
#include "platform/image_catalog.h"
#include "platform/instance_controller.h"
#include "platform/quota_limits.h"
#include "platform/service_registry.h"
#include "registry/registry_store.h"

namespace ukc::platform {

class ApiService {
 public:
  ApiService(const access::Authenticator* authenticator, registry::RegistryStore* registry,
             InstanceController* instances, ServiceRegistry* services, QuotaLimits limits = {})
      : authenticator_(authenticator),
        images_(registry),
        instances_(instances),
        services_(services),
        limits_(limits) {}
  void Handle(http::Exchange& ex);
  // Serves /v1/services/autoscale… from `autoscale` (404 "No API endpoint" while unset).
  void set_autoscale(AutoscaleRegistry* autoscale) { autoscale_ = autoscale; }
  // Where the service proxy listens for a published port (0: not listening): service groups
  // report it as each service's `local_port`.
  void set_local_ports(std::function<int(int published_port)> local_port) {
    local_port_ = std::move(local_port);
  }

 private:
  using Call = ApiCall;
  void ListImages(Call& call);
  void Quotas(Call& call);
  void Healthz(Call& call);
  // /v1/instances… (instance_handlers.cc): `rest` is the path after /v1/instances.
  void RouteInstances(Call& call, const std::string& rest);
  void CreateInstances(Call& call);
  void GetInstances(Call& call, const std::string& path_id);
  void DeleteInstances(Call& call, const std::string& path_id);
  void StartInstances(Call& call, const std::string& path_id);
  void StopInstances(Call& call, const std::string& path_id);
  void WaitInstances(Call& call, const std::string& path_id);
  void InstanceLogs(Call& call, const std::string& path_id);
  void InstanceMetrics(Call& call, const std::string& path_id);
  // /v1/services… (service_handlers.cc): `rest` is the path after /v1/services.
  void RouteServices(Call& call, const std::string& rest);
  void CreateServices(Call& call);
  void GetServices(Call& call, const std::string& path_id);
  void DeleteServices(Call& call, const std::string& path_id);
  // /v1/services/autoscale, /v1/services/{id}/autoscale… (autoscale_handlers.cc): `id` is the
  // path after /v1/services/.
  void RouteAutoscale(Call& call, const std::string& id);

  const access::Authenticator* authenticator_;
  ImageCatalog images_;
  InstanceController* instances_;
  ServiceRegistry* services_;
  QuotaLimits limits_;
  AutoscaleRegistry* autoscale_ = nullptr;
  std::function<int(int)> local_port_;
  api::ServiceGroup WithLocalPorts(api::ServiceGroup g) const;
};

}  // namespace ukc::platform
