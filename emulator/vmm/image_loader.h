// Resolves a registry image (repository + tag or digest) to bootable files: registry::ReadImage
// finds its kernel and initrd layers and config; each layer is extracted once from its
// single-file tar into <cache_dir>/<algorithm>-<hex>/<kernel|initrd> (atomic rename). Several
// initrd layers (an app packaged on a runtime) are overlaid: concatenated in manifest order into
// one cached file (initrd_overlay.h). EROFS initrds are refused (not bootable yet).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "registry/registry_store.h"

namespace ukc::vmm {

struct LoadedImage {
  std::string manifest_digest;
  std::filesystem::path kernel;
  std::filesystem::path initrd;  // empty when the image has none; the overlay when several
  // For templates: the layers every instance of a runtime shares (all initrd layers but the last
  // of several — the app's —, else the only one) as one file, their digests, and the app's layer
  // ("" unless there are several).
  std::filesystem::path shared_initrd, app_initrd;
  std::vector<std::string> shared_initrd_digests;
  std::vector<std::string> cmd;  // app argv (kernel parameters before a "--" are dropped)
  std::vector<std::string> env;
  std::string working_dir;
  std::map<std::string, std::string> labels;
};

class ImageLoader {
 public:
  ImageLoader(registry::RegistryStore* store, std::filesystem::path cache_dir)
      : store_(store), cache_dir_(std::move(cache_dir)) {}

  // `reference` is a tag or "sha256:…". NotFound: no such repository/tag/manifest/platform;
  // InvalidArgument: no kernel layer, or an EROFS initrd; Corruption: a layer is not a
  // single-file tar.
  Status Load(const std::string& repository, const std::string& reference, LoadedImage* out);

 private:
  Status Extract(const std::string& repository, const std::string& digest,
                 const std::string& media_type, const std::string& role,
                 std::filesystem::path* out);

  registry::RegistryStore* store_;
  std::filesystem::path cache_dir_;
};

// Splits "repo:tag" / "repo@sha256:…" (default tag "latest"); InvalidArgument when malformed.
Status ParseImageReference(const std::string& image, std::string* repository,
                           std::string* reference);

}  // namespace ukc::vmm
