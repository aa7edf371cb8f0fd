// Chooses the accelerator: KVM only when a tiny guest really boots with it (here /dev/kvm exists
// but QEMU hangs or aborts with it). The probe boots the given kernel + initrd with no argv and
// expects ukc-init's `"code":127` report within `timeout`; a KVM error in QEMU's log ends it at
// once. Results are cached in `cache_file` (keyed by the host's boot id and the QEMU build: one
// file per machine, shared by every data dir) so later processes skip the probe.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "vmm/qemu_argv.h"

namespace ukc::vmm {

struct ProbeRequest {
  QemuConfig config;  // machine, binary, bios, tsc; accel is ignored
  std::filesystem::path kernel, initrd, work_dir, cache_file;
  std::chrono::milliseconds timeout{12000};
};

// "kvm" or "tcg". Never fails: any problem means "tcg".
std::string ProbeAccelerator(const ProbeRequest& request);
// What a cached result is valid for: the host's boot id, the QEMU binary's resolved path, size and
// mtime, and the machine type.
std::string AccelCacheKey(const QemuConfig& config);
// Whether QEMU's log (stderr) reports a KVM failure (an error line naming KVM; warnings aside).
bool KvmFailureLogged(const std::string& qemu_log);

}  // namespace ukc::vmm
