// Stores packed runtime images in the registry (RegistryStore, opened with Open() so a running
// daemon on the same data dir is fine: SQLite arbitrates) and reads them back for
// `runtime list`. Layers are handed to the store through a read-only mmap of the tar file, so a
// large initrd is never copied into the heap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "registry/registry_store.h"
#include "runtime/image_packer.h"

namespace ukc::runtime {

// True when every tag of `repository` in `tags` already points at `index_digest`.
bool IsPublished(registry::RegistryStore& store, const std::string& repository,
                 const std::vector<std::string>& tags, const oci::Digest& index_digest);

// Links the layers and config into `repository`, stores manifest and index, moves every tag.
Status PublishImage(registry::RegistryStore& store, const std::string& repository,
                    const std::vector<std::string>& tags, const PackedImage& image);

struct PublishedRuntime {
  std::string repository;  // "official/python"
  std::string tag;
  oci::Digest index_digest;
  uint64_t size = 0;     // layers + config
  std::string contents;  // label org.unikraft.runtime.contents
};

// Every tag under official/, sorted by repository and tag.
Status ListPublished(registry::RegistryStore& store, std::vector<PublishedRuntime>* out);

}  // namespace ukc::runtime
