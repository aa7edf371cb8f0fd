// ADD's local archives: tar, optionally gzip/bzip2/xz compressed (libarchive). Entries land
// under `dest` inside the stage's rootfs: leading '/' is dropped, names climbing above `dest`
// ("../x") are refused, and every path (hard link targets too) is resolved with ResolveInRoot, so
// a symlink in the archive or the rootfs cannot carry a write outside the rootfs. Owners and
// modes from the archive are kept; devices and FIFOs are skipped.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace kraft::build {

// True when `file` is a (possibly compressed) tar archive.
bool IsTarArchive(const std::filesystem::path& file);

ukc::Status ExtractTar(const std::filesystem::path& archive, const std::filesystem::path& root,
                       const std::string& dest);

}  // namespace kraft::build
