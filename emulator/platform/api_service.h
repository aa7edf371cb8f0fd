// The UKC platform API v1 on the API listener (docs/compatibility.md lists what exists). Every
// request needs a valid token (`Authorization: Bearer <token>`); without one: 401 in the
// platform's envelope, as kraftkit's metro probe expects. Paths are served under /v1 (a doubled
// /v1/v1 from clients that add their own prefix is accepted). Unknown endpoints: 404
// "No API endpoint". Bodies are read on GET too (kraftkit sends lookups as GET with JSON).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "access/authenticator.h"
#include "http/exchange.h"
#include "platform/image_catalog.h"
#include "registry/registry_store.h"

namespace ukc::platform {

// The account limits reported by /v1/users/quotas (the real cloud's defaults).
struct QuotaLimits {
  int instances = 16, live_vcpus = 4, live_memory_mb = 2048, service_groups = 15, services = 30,
      volumes = 2, total_volume_mb = 1024;
  int min_memory_mb = 16, max_memory_mb = 2048, min_vcpus = 1, max_vcpus = 4, min_volume_mb = 1,
      max_volume_mb = 1024, min_autoscale_size = 1, max_autoscale_size = 16;
};

class ApiService {
 public:
  ApiService(const access::Authenticator* authenticator, registry::RegistryStore* registry,
             QuotaLimits limits = {})
      : authenticator_(authenticator), images_(registry), limits_(limits) {}
  void Handle(http::Exchange& ex);

 private:
  struct Call;  // one request being answered
  void ListImages(Call& call);
  void Quotas(Call& call);
  void Healthz(Call& call);

  const access::Authenticator* authenticator_;
  ImageCatalog images_;
  QuotaLimits limits_;
};

}  // namespace ukc::platform
