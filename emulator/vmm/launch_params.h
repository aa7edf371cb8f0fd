// Launch parameters reach the guest as QEMU fw_cfg files `opt/ukc/<name>` (argv, env, cwd,
// stop_timeout_ms), which ukc-init copies to /ukc/<name> (runtimes/README.md). The image's
// kernel and initrd are booted as cached, never copied per instance.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "vmm/vmm.h"

namespace ukc::vmm {

// One fw_cfg file: QEMU gets `-fw_cfg name=<name>,file=<path>`.
struct FwCfgFile {
  std::string name;  // "opt/ukc/argv" …
  std::filesystem::path path;
};

// Writes the launch parameters of `spec` into `dir` and lists them as fw_cfg files.
// InvalidArgument when an env entry is not KEY=VALUE.
Status WriteLaunchFiles(const LaunchSpec& spec, const std::filesystem::path& dir,
                        std::vector<FwCfgFile>* files);

// Checks that `initrd` starts like a cpio archive or a compressed stream the kernel unpacks;
// Corruption with a clear message otherwise.
Status CheckInitrd(const std::filesystem::path& initrd);

// Smallest guest memory that boots our kernel with `initrd_bytes` of initrd: 64 MB panics
// (out of memory in tcp_init) with a 1.9 MB initrd, 72 MB boots; the initrd is held twice
// while it unpacks.
int MinimumMemoryMb(uint64_t initrd_bytes);
// What a guest grown to fit gets (LaunchSpec::grow_memory_to_fit): the minimum boots the kernel,
// but an interpreter (Python with a 45 MB initrd) also needs room once the initrd is unpacked.
int RoomyMemoryMb(uint64_t initrd_bytes);

}  // namespace ukc::vmm
