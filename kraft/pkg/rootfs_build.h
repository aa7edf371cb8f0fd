// The rootfs step of `kraft build` / `kraft pkg` (kraft-cli.md §10.1–10.2, kraftkit initrd.New
// order): the source is an existing CPIO (or EROFS) file used as is, a directory, a Dockerfile
// (any path whose name contains "dockerfile", built by the Dockerfile builder, FROM images pulled
// from the registry), or a tarball (re-packed). The result is
// <outdir>/initramfs-x86_64.cpio (or .erofs). Content-keyed: when the new bytes equal the
// existing file's, that file is kept untouched (`reused`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

class RegistrySession;

struct RootfsRequest {
  std::filesystem::path source;   // absolute
  std::string type = "cpio";      // "cpio" | "erofs"
  std::filesystem::path outdir;   // absolute, e.g. <workdir>/.unikraft/build
  std::filesystem::path workdir;  // Dockerfile build context
  std::vector<std::string> build_args;
  std::string build_target;
  bool no_cache = false;
  RegistrySession* registry = nullptr;  // for Dockerfile FROM images (may be null)
};

struct RootfsResult {
  std::filesystem::path file;
  std::string digest;  // sha256 of the file
  uint64_t size = 0;
  bool reused = false;
  std::vector<std::string> warnings;
  // From a Dockerfile's image config (empty otherwise).
  std::vector<std::string> args;  // ENTRYPOINT + CMD
  std::vector<std::string> env;
};

ukc::Status BuildRootfs(const RootfsRequest& request, RootfsResult* result);

// True when kraftkit would treat `path` as a Dockerfile (name contains "dockerfile", any case).
bool IsDockerfilePath(const std::filesystem::path& path);

}  // namespace kraft
