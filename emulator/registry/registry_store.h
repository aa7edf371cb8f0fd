// The registry's durable state: content (BlobStore), what each repository holds
// (RegistryMetadata) and uploads in progress. Every change that adds or removes a reference to
// content goes through here, under one lock, so garbage collection never races a commit.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "oci/manifest.h"
#include "registry/blob_store.h"
#include "registry/registry_metadata.h"
#include "registry/upload_session.h"
#include "store/data_dir.h"

namespace ukc::registry {

class RegistryStore {
 public:
  RegistryStore(const store::DataDir& data_dir, store::Database* db);
  // Creates tables, drops leftover uploads and content nothing references (crash leftovers).
  // Only the daemon calls this.
  Status Init();
  // Creates tables only: for tools that write the store while a daemon may be running.
  Status Open();

  BlobStore& blobs() { return blobs_; }
  RegistryMetadata& metadata() { return metadata_; }
  UploadSessions& uploads() { return uploads_; }

  // Verifies `session` against `digest`, moves it into the store, links it into its repository.
  Status CommitUpload(UploadSession& session, const oci::Digest& digest);
  // Stores in-memory content as a blob of `repository` (used by the emulator itself).
  Status PutBlob(const std::string& repository, std::string_view content, oci::Digest* digest);
  // Links `digest` from `from` into `to`; NotFound when `from` does not hold it.
  Status Mount(const std::string& from, const std::string& to, const oci::Digest& digest);
  Status DeleteBlob(const std::string& repository, const oci::Digest& digest);

  // Checks `body` (references must exist in `repository`), stores it, moves `tag` (may be empty).
  // InvalidArgument: malformed; NotFound: a referenced blob or manifest is missing.
  Status PutManifest(const std::string& repository, std::string_view body,
                     std::string_view content_type, const std::string& tag, oci::Digest* digest,
                     oci::ParsedManifest* parsed);
  Status DeleteManifest(const std::string& repository, const oci::Digest& digest);
  Status ReadManifest(const ManifestRecord& record, std::string* body);
  // Garbage collection: unlinks blobs that no manifest of their repository has referenced for
  // `grace`, then deletes content that no repository references any more.
  Status CollectUnreferenced(std::chrono::seconds grace);

 private:
  void CollectGarbage(const std::vector<oci::Digest>& candidates);
  void SweepUnreferenced();

  BlobStore blobs_;
  RegistryMetadata metadata_;
  UploadSessions uploads_;
  std::filesystem::path uploads_dir_;
  std::mutex content_mutex_;
};

}  // namespace ukc::registry
