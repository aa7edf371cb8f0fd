// Paths inside a build's own directories. Everything the builder writes goes through
// ResolveInRoot, so `..`, absolute symlinks and relative symlinks climbing out of a rootfs all
// stay inside it (resolution as chroot would do it, like Docker's/BuildKit's
// "FollowSymlinkInScope").
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace kraft::build {

// Resolves `path` (as seen from inside `root`: absolute, or relative to "/") to a host path
// under `root`. `..` never climbs above root; symlinks met on the way are followed with their
// targets read relative to root (absolute) or to their directory (relative). The last component
// is followed only when `follow_final`. Missing components are appended as they are. Error after
// 255 links (a loop).
ukc::Status ResolveInRoot(const std::filesystem::path& root, const std::string& path,
                          bool follow_final, std::filesystem::path* out);

// Go's filepath.Clean("/" + path): an absolute, lexically clean path where `..` stops at "/".
std::string CleanInRoot(const std::string& path);

// A path relative to some directory, lexically cleaned ("./a/../b" → "b", "." for itself);
// false when it climbs out of the directory ("../x", "a/../../x") or is absolute.
bool CleanRelative(const std::string& path, std::string* out);

}  // namespace kraft::build
