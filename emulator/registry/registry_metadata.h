// What each repository holds, in SQLite (docs/storage.md): blob links, manifests (with their
// media type, subject and references) and tags. Content lives in the BlobStore; this says which
// repository may see which digest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "oci/digest.h"
#include "oci/manifest.h"
#include "store/database.h"

namespace ukc::registry {

struct ManifestRecord {
  std::string repository;
  oci::Digest digest;
  std::string media_type;
  int64_t size = 0;
  std::string artifact_type;
  std::string annotations_json;
  int64_t created_at = 0;  // unix seconds
};

struct TagRecord {
  std::string repository;
  std::string tag;
  oci::Digest digest;
  int64_t updated_at = 0;
};

class RegistryMetadata {
 public:
  explicit RegistryMetadata(store::Database* db) : db_(db) {}
  Status Init();

  Status LinkBlob(const std::string& repository, const oci::Digest& digest, int64_t size);
  // Size of `digest` when linked into `repository`.
  std::optional<int64_t> LinkedBlob(const std::string& repository, const oci::Digest& digest);
  // False when it was not linked.
  bool UnlinkBlob(const std::string& repository, const oci::Digest& digest);

  // Records a manifest (and moves `tag` to it when not empty), atomically.
  Status PutManifest(const ManifestRecord& record, const oci::ParsedManifest& parsed,
                     const std::string& tag);
  std::optional<ManifestRecord> FindManifest(const std::string& repository,
                                             const oci::Digest& digest);
  std::optional<ManifestRecord> FindTag(const std::string& repository, const std::string& tag);
  // Removes the manifest, its tags and its references (the blobs stay linked, as in
  // distribution). `released` gets the digests that may now be unreferenced.
  Status DeleteManifest(const std::string& repository, const oci::Digest& digest,
                        std::vector<oci::Digest>* released);
  bool DeleteTag(const std::string& repository, const std::string& tag);
  // Unlinks blobs linked before `linked_before` (unix seconds) that no manifest of their
  // repository references; `released` gets their digests.
  Status UnlinkUnreferencedBlobs(int64_t linked_before, std::vector<oci::Digest>* released);

  bool RepositoryExists(const std::string& repository);
  // Tags in lexical order after `last`, at most `limit` (+1 to tell whether more follow).
  std::vector<std::string> ListTags(const std::string& repository, const std::string& last,
                                    int64_t limit);
  std::vector<TagRecord> ListAllTags();
  std::vector<std::string> ListRepositories();
  std::vector<ManifestRecord> Referrers(const std::string& repository, const oci::Digest& subject);
  // True when some repository links `digest` or holds it as a manifest.
  bool IsReferenced(const oci::Digest& digest);

 private:
  store::Database* db_;
};

}  // namespace ukc::registry
