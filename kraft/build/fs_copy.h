// Writing into a stage's rootfs without ever leaving it: every destination is resolved with
// ResolveInRoot, an existing symlink at a file's place is replaced (never written through), and
// files are created with O_NOFOLLOW|O_EXCL. Copies keep permission bits and file mtimes; owners
// are 0:0 unless `chown` says otherwise (chown errors are ignored when not root). Sockets, FIFOs
// and devices are skipped.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "base/status.h"

namespace kraft::build {

struct CopyAttrs {
  std::optional<mode_t> chmod;  // --chmod: replaces the permission bits of every copied entry
  uid_t uid = 0;                // --chown (default root)
  gid_t gid = 0;
};

// Creates directory `dir` (absolute, inside `root`) and its missing parents (0755, root-owned);
// `*host` (optional) gets its host path. Error when a component exists and is not a directory.
ukc::Status MakeDirs(const std::filesystem::path& root, const std::string& dir,
                     std::filesystem::path* host = nullptr);

// Copies host entry `src` (a symlink is copied as a link) to `dest` (absolute, inside `root`).
// A directory is merged into `dest` recursively; `skip(host_path)` (optional) filters entries.
// `dest`'s parent directories are created.
ukc::Status CopyEntry(const std::filesystem::path& src, const std::filesystem::path& root,
                      const std::string& dest, const CopyAttrs& attrs,
                      const std::function<bool(const std::filesystem::path&)>& skip = nullptr);

// Copies the contents of host directory `src` into `dest` (as CopyEntry does for each child).
ukc::Status CopyDirContents(
    const std::filesystem::path& src, const std::filesystem::path& root, const std::string& dest,
    const CopyAttrs& attrs,
    const std::function<bool(const std::filesystem::path&)>& skip = nullptr);

// A whole tree, owners and modes kept (FROM <stage>): `dst` must not exist.
ukc::Status CloneTree(const std::filesystem::path& src, const std::filesystem::path& dst);

// Replaces whatever is at host path `host` (not a directory) so a new entry can be created.
ukc::Status RemoveNonDir(const std::filesystem::path& host);

}  // namespace kraft::build
