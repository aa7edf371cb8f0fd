// COPY and ADD, after variable expansion. Sources come from the build context (relative to it; a
// path climbing out of it is refused; .dockerignore'd paths do not exist) or from another stage's
// rootfs / an image (`--from`; paths resolved inside that tree). Globs follow glob.h. Destination
// as Docker: relative to WORKDIR, a trailing '/' or an existing directory means "into", several
// sources need a directory, a source directory's contents are copied. ADD extracts local tar
// archives (gz/bz2/xz too) into the destination and refuses URLs (builds are offline).
// Errors carry no file:line prefix; the caller adds it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "build/dockerignore.h"
#include "build/fs_copy.h"

namespace kraft::build {

struct SourceTree {
  std::filesystem::path root;
  const Dockerignore* ignore = nullptr;  // the context's, else nullptr
  bool is_context = false;
};

struct CopyRequest {
  std::vector<std::string> sources;  // as expanded
  std::string dest;                  // as expanded
  std::string workdir = "/";         // the stage's WORKDIR
  bool add = false;
  CopyAttrs attrs;
};

// The host paths the sources match (for tests and the cache); errors as RunCopy's.
ukc::Status MatchSources(const SourceTree& from, const std::string& source, bool add,
                         std::vector<std::filesystem::path>* out);

ukc::Status RunCopy(const CopyRequest& request, const SourceTree& from,
                    const std::filesystem::path& rootfs);

}  // namespace kraft::build
