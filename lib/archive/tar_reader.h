// Reading single-file tar layers (kraftkit's kernel/initrd layers: an uncompressed tar holding
// exactly one regular file, possibly preceded by directory entries). Backed by libarchive;
// compressed tars are accepted too.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace ukc::archive {

// Copies the only regular file of the tar at `tar_path` to `out_path` (created or truncated).
// `*entry_name` (optional) gets the file's path inside the tar. Corruption when the tar is
// unreadable or holds zero or several regular files (or anything but directories besides it).
Status ExtractSingleFile(const std::filesystem::path& tar_path,
                         const std::filesystem::path& out_path, std::string* entry_name = nullptr);

}  // namespace ukc::archive
