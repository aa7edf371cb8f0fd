// The Dockerfile build cache: one key (sha256) over everything a build depends on — the
// Dockerfile text, the build args, the target, the base images' digests and every context file
// .dockerignore keeps (path, type, mode, size, bytes, link target). A build that finished writes
// `<work_dir>/rootfs.key` (last) and `<work_dir>/config.json` next to `<work_dir>/rootfs`.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "build/dockerignore.h"
#include "build/image_config.h"

namespace kraft::build {

struct CacheInputs {
  std::string dockerfile_text;
  std::map<std::string, std::string> build_args;
  std::string target;
  std::vector<std::string> image_digests;  // "reference=digest", in FROM order
  std::filesystem::path context_dir;
  const Dockerignore* ignore = nullptr;
};

ukc::Status ComputeCacheKey(const CacheInputs& inputs, std::string* key);

// True (and `*config` filled) when `<work_dir>/rootfs.key` holds `key` and the result is there.
bool LoadCachedBuild(const std::filesystem::path& work_dir, const std::string& key,
                     ImageConfig* config);

// Forgets any cached result (before a build starts replacing it).
void InvalidateCachedBuild(const std::filesystem::path& work_dir);

// Records a finished build: config.json, then rootfs.key.
ukc::Status StoreCachedBuild(const std::filesystem::path& work_dir, const std::string& key,
                             const ImageConfig& config);

}  // namespace kraft::build
