// The local package store `kraft pkg` keeps images in until they are pushed (kraftkit keeps an
// OCI store in ~/.local/share/kraftkit/runtime/oci, kraft-cli.md §9.2, §10.4). An OCI image
// layout: `oci-layout`, `index.json` (one entry per full reference, annotated with its ref name,
// created/updated times and the runtime repository its adopted layers live in) and
// `blobs/sha256/<hex>` (configs, manifests, indexes, app layers; runtime layers are referenced,
// never pulled). Writes are atomic (temp + rename); `skopeo inspect oci:<dir>:<ref>` reads it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

struct StoredPackage {
  std::string reference;     // "index.unikraft.io/local/app:latest"
  std::string index_digest;  // "sha256:…"
  uint64_t index_size = 0;
  std::string created;             // RFC 3339 (first stored), kept across updates
  std::string updated;             // RFC 3339 (last stored)
  std::string runtime_repository;  // "official/python": where adopted layers can be mounted from
};

class PackageStore {
 public:
  explicit PackageStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  std::filesystem::path BlobPath(const std::string& digest) const;
  bool HasBlob(const std::string& digest) const;
  // Stores bytes; `*digest` gets their sha256.
  ukc::Status PutBlob(const std::string& bytes, std::string* digest);
  // Moves `file` (whose digest is `digest`) into the store, or drops it if already there.
  ukc::Status AdoptBlobFile(const std::filesystem::path& file, const std::string& digest);
  ukc::Status ReadBlob(const std::string& digest, std::string* bytes) const;

  // Adds or replaces the entry for `package.reference` (keeping its `created`).
  ukc::Status Put(StoredPackage package);
  ukc::Status List(std::vector<StoredPackage>* out) const;
  // NotFound "no local package named <ref>" when absent.
  ukc::Status Find(const std::string& reference, StoredPackage* out) const;

 private:
  ukc::Status WriteAtomically(const std::filesystem::path& path, const std::string& bytes);
  std::filesystem::path dir_;
};

}  // namespace kraft
