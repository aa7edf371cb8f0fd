// The account limits the emulator enforces and reports on /v1/users/quotas (the real cloud's
// defaults for a new account; `ukc-emu up --quota-…` flags change them).
#pragma once

namespace ukc::platform {

// The account limits reported by /v1/users/quotas (the real cloud's defaults).
struct QuotaLimits {
  int instances = 16, live_vcpus = 4, live_memory_mb = 2048, service_groups = 15, services = 30,
      volumes = 2, total_volume_mb = 1024;
  int min_memory_mb = 16, max_memory_mb = 2048, min_vcpus = 1, max_vcpus = 4, min_volume_mb = 1,
      max_volume_mb = 1024, min_autoscale_size = 1, max_autoscale_size = 16;
};

}  // namespace ukc::platform
