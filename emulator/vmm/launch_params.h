// Launch parameters reach the guest as a small newc cpio appended to the image's initrd
// (runtimes/README.md "Initrd layout and launch parameters"): /ukc/argv, /ukc/env, /ukc/cwd,
// /ukc/stop_timeout_ms. The appended archive must start at a 4-byte-aligned offset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"
#include "vmm/vmm.h"

namespace ukc::vmm {

// The launch cpio for `spec` (argv, env, cwd, stop timeout).
Status BuildLaunchCpio(const LaunchSpec& spec, std::string* cpio);

// Checks that `initrd` starts like a cpio archive or a compressed stream the kernel unpacks;
// Corruption with a clear message otherwise.
Status CheckInitrd(const std::filesystem::path& initrd);

// Writes `out` = `image_initrd`, zero padding to a 4-byte boundary, `launch_cpio`.
// (In-kernel copy: copy_file_range, reflinks where the filesystem can.)
Status WriteInstanceInitrd(const std::filesystem::path& image_initrd,
                           const std::string& launch_cpio, const std::filesystem::path& out);

// Smallest guest memory that boots our kernel with `initrd_bytes` of initrd: 64 MB panics
// (out of memory in tcp_init) with a 1.9 MB initrd, 72 MB boots; the initrd is held twice
// while it unpacks.
int MinimumMemoryMb(uint64_t initrd_bytes);

}  // namespace ukc::vmm
