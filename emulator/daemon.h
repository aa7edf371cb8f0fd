// `ukc-emu up`: opens the data dir, starts the registry and API listeners, writes
// run/daemon.json with the addresses actually bound, and runs until SIGINT/SIGTERM, then stops
// listeners (in-flight requests fail cleanly), stops every instance (a platform stop) and exits.
#pragma once

#include <chrono>
#include <string>

#include "base/status.h"
#include "platform/quota_limits.h"

namespace ukc {

struct DaemonOptions {
  std::string data_dir;
  std::string registry_address = "127.0.0.1:7000";
  std::string api_address = "127.0.0.1:7080";
  // Blobs no manifest references are unlinked after this long (then their content goes).
  std::chrono::seconds gc_grace{15 * 60};
  platform::QuotaLimits limits;  // per account
  // "qemu" (real VMs) or "fake" (in-memory VMs that boot at once and print a line: for fast
  // API tests and benchmarks only; `UKC_VMM=fake`).
  std::string vmm = "qemu";
  // Service FQDNs are <label>.<metro>.localhost (*.localhost resolves to the loopback address).
  std::string metro = "local";
};

// Blocks until a stop signal; returns the process exit code.
int RunDaemon(const DaemonOptions& options);

}  // namespace ukc
