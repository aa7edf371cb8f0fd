// Overlaying initrds: an app packaged on a runtime carries the runtime's initrd and its own
// (kraft pkg, image-format.md §2.4). Linux unpacks concatenated cpio archives in order, later
// files replacing earlier ones, so the boot initrd is every initrd layer in manifest order, each
// padded with zeros to a 512-byte boundary (a compressed archive must be followed by a 4-byte
// aligned one, runtimes/README.md). Built once per combination under
// <cache_dir>/overlay-<sha256 of the joined layer digests>/initrd (temp file, fsync, rename).
// Real UKC boots only the last initrd layer; this overlay is an emulator choice
// (docs/compatibility.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace ukc::vmm {

// True when `file` is an EROFS image (superblock magic 0xE0F5E1E2 at offset 1024).
bool IsErofsImage(const std::filesystem::path& file);

// InvalidArgument "EROFS initrds are not bootable in ukc-emu yet" when `file` is EROFS.
Status CheckBootableInitrd(const std::filesystem::path& file);

// `parts` are extracted initrd files, `keys` their layer digests (same order, ≥ 2 entries).
// `*out` is the cached concatenation.
Status OverlayInitrds(const std::vector<std::filesystem::path>& parts,
                      const std::vector<std::string>& keys, const std::filesystem::path& cache_dir,
                      std::filesystem::path* out);

}  // namespace ukc::vmm
