// The recipe runner: turns one runtime recipe into an image in the registry.
//   1. kernel/fetch-kernel.sh CACHE/kernel      (vmlinux=, version=, package=, modules=)
//   2. make -C runtimes/init OUT=CACHE/init      (ukc-init)
//   3. <recipe>/build-rootfs.sh WORK/rootfs CACHE/<short name>   (contents=, tag=)
//   4. build-initrd.sh --rootfs WORK/rootfs --compress none       (WORK/initrd.cpio)
//   5. pack (image_packer) into WORK = CACHE/images/<folder>, publish (image_publisher)
// CACHE is ${UKC_RUNTIME_CACHE:-${XDG_CACHE_HOME:-~/.cache}/ukc-emu/runtimes}, shared with
// tests/integration. Content-keyed: WORK/stamp.json records a hash of every input (recipe files,
// runtimes/base, build-initrd.sh, ukc-init sources, kernel package); when it matches, steps 3-5
// are skipped and the recorded layers are reused (same digests). `force` rebuilds anyway.
// Progress: one plain line per step on `progress`. Scripts' stderr goes to WORK/build.log.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"
#include "registry/registry_store.h"
#include "runtime/command_runner.h"
#include "runtime/image_packer.h"
#include "runtime/recipe.h"

namespace ukc::runtime {

struct BuildOptions {
  std::filesystem::path runtimes_dir;
  std::filesystem::path cache_dir;
  bool force = false;
};

struct BuildResult {
  std::vector<std::string> tags;
  oci::Digest index_digest;
  uint64_t size = 0;  // both layers
  std::string contents;
  bool rebuilt = false;    // steps 3-5 ran
  bool published = false;  // the registry changed
};

// ${UKC_RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ukc-emu/runtimes}
std::filesystem::path DefaultCacheDir();
// The machine's accelerator probe result (vmm/accel_probe.h) in that cache: one per machine,
// found by every data dir (throw-away ones in tests and CI too).
std::filesystem::path AccelCacheFile();

class RuntimeBuilder {
 public:
  RuntimeBuilder(BuildOptions options, CommandRunner* runner, registry::RegistryStore* store,
                 std::ostream* progress);
  Status Build(const Recipe& recipe, BuildResult* result);

 private:
  // What steps 3-4 produced; persisted as stamp.json.
  struct Stamp {
    std::string key;
    std::string contents;
    std::string extra_tag;
    LayerBlob kernel_layer;
    LayerBlob initrd_layer;
  };

  Status PrepareShared();
  std::string InputKey(const Recipe& recipe) const;
  Status BuildLayers(const Recipe& recipe, const std::filesystem::path& work, Stamp* stamp);
  ImageSpec MakeSpec(const Recipe& recipe, const Stamp& stamp) const;
  bool ReadStamp(const std::filesystem::path& work, Stamp* stamp) const;
  Status WriteStamp(const std::filesystem::path& work, const Stamp& stamp) const;
  void Step(const Recipe& recipe, const std::string& what);

  BuildOptions options_;
  CommandRunner* runner_;
  registry::RegistryStore* store_;
  std::ostream* progress_;
  bool shared_ready_ = false;
  std::string kernel_version_;  // "6.1.0-56-cloud-amd64"
  std::string kernel_package_;  // "linux-image-…=6.1.192-2"
  std::filesystem::path vmlinux_, modules_, init_;
};

}  // namespace ukc::runtime
