// Content-addressed files: <root>/<algorithm>/<first two hex>/<hex>. A file appears under its
// digest only after its bytes were verified and fsynced (Commit renames it into place), so a
// reader never sees a partial blob.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

#include "base/status.h"
#include "oci/digest.h"

namespace ukc::registry {

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  std::filesystem::path PathFor(const oci::Digest& digest) const;
  // Size of the stored blob, or NotFound.
  Status Stat(const oci::Digest& digest, uint64_t* size) const;
  // Opens the blob for reading; the caller closes *fd.
  Status Open(const oci::Digest& digest, int* fd, uint64_t* size) const;
  // Moves `temp_file` (already fsynced, same filesystem) into place under `digest`.
  Status Commit(const std::filesystem::path& temp_file, const oci::Digest& digest);
  // Starts reading the blob into the page cache in the background: uploads bypass the cache
  // (O_DIRECT), and a blob just pushed is usually pulled or booted soon after.
  void PrefetchInBackground(const oci::Digest& digest) const;
  // Stores small content (manifests) under its sha256 digest.
  Status Put(std::string_view content, const oci::Digest& digest);
  Status Read(const oci::Digest& digest, std::string* content) const;
  Status Remove(const oci::Digest& digest);
  // Calls `visit` for every stored blob.
  void ForEach(const std::function<void(const oci::Digest&)>& visit) const;

 private:
  std::filesystem::path root_;
};

// Streams a file's bytes through a hasher; used to verify content already on disk.
Status HashFile(const std::filesystem::path& path, oci::DigestAlgorithm algorithm,
                oci::Digest* out);

}  // namespace ukc::registry
