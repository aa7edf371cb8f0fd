// Deterministic single-file tar archives (the layer format of Unikraft images): one regular file
// entry, ustar format, uid/gid 0, no user/group names, mtime 0, no directory entries. Streams the
// input in 1 MiB chunks and hashes the output as it is written, so a 50 MB initrd is never held
// in memory. Same input bytes + same entry name + same mode -> same tar bytes -> same digest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/status.h"
#include "oci/digest.h"

namespace ukc::archive {

struct TarFileResult {
  uint64_t size = 0;   // bytes of the tar
  oci::Digest digest;  // sha256 of the tar
};

// Writes a tar holding `input`'s bytes as `entry_name` (relative, e.g. "unikraft/bin/kernel")
// with permission bits `mode` to `output` (replaced atomically: temp file, fsync, rename).
Status WriteSingleFileTar(const std::filesystem::path& input, const std::string& entry_name,
                          const std::filesystem::path& output, TarFileResult* result,
                          int mode = 0644);

}  // namespace ukc::archive
