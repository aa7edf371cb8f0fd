#include "registry/registry_store.h"

#include <ctime>

#include "log.h"
#include "store/data_dir.h"

namespace ukc::registry {

RegistryStore::RegistryStore(const store::DataDir& data_dir, store::Database* db)
    : blobs_(data_dir.blobs()),
      metadata_(db),
      uploads_(data_dir.uploads()),
      uploads_dir_(data_dir.uploads()) {}

Status RegistryStore::Open() { return metadata_.Init(); }

Status RegistryStore::Init() {
  Status s = Open();
  if (!s.ok()) return s;
  uploads_.Clear();
  SweepUnreferenced();
  return Status::Ok();
}

void RegistryStore::SweepUnreferenced() {
  std::vector<oci::Digest> all;
  blobs_.ForEach([&](const oci::Digest& d) { all.push_back(d); });
  size_t removed = 0;
  for (const auto& d : all) {
    if (!metadata_.IsReferenced(d)) {
      blobs_.Remove(d);
      removed++;
    }
  }
  if (removed)
    Log(LogLevel::kInfo, "registry: removed " + std::to_string(removed) +
                             " unreferenced blob(s) left by an earlier run");
}

Status RegistryStore::CommitUpload(UploadSession& session, const oci::Digest& digest) {
  Status s = session.Finalize(digest);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(content_mutex_);
  uint64_t existing = 0;
  if (blobs_.Stat(digest, &existing).ok()) {
    // Same digest already stored: keep the existing file; the session's file is dropped with it.
  } else {
    s = blobs_.Commit(session.file(), digest);
    if (!s.ok()) return s;
    blobs_.PrefetchInBackground(digest);
  }
  return metadata_.LinkBlob(session.repository(), digest, static_cast<int64_t>(session.size()));
}

Status RegistryStore::PutBlob(const std::string& repository, std::string_view content,
                              oci::Digest* digest) {
  *digest = oci::Digest::Sha256Of(content);
  std::lock_guard<std::mutex> lock(content_mutex_);
  uint64_t existing = 0;
  if (!blobs_.Stat(*digest, &existing).ok()) {
    Status s = blobs_.Put(content, *digest);
    if (!s.ok()) return s;
  }
  return metadata_.LinkBlob(repository, *digest, static_cast<int64_t>(content.size()));
}

Status RegistryStore::Mount(const std::string& from, const std::string& to,
                            const oci::Digest& digest) {
  std::lock_guard<std::mutex> lock(content_mutex_);
  auto size = metadata_.LinkedBlob(from, digest);
  uint64_t stored = 0;
  if (!size || !blobs_.Stat(digest, &stored).ok()) {
    return Status::NotFound(digest.ToString() + " in " + from);
  }
  return metadata_.LinkBlob(to, digest, *size);
}

Status RegistryStore::DeleteBlob(const std::string& repository, const oci::Digest& digest) {
  {
    std::lock_guard<std::mutex> lock(content_mutex_);
    if (!metadata_.UnlinkBlob(repository, digest)) {
      return Status::NotFound(digest.ToString() + " in " + repository);
    }
  }
  CollectGarbage({digest});
  return Status::Ok();
}

Status RegistryStore::PutManifest(const std::string& repository, std::string_view body,
                                  std::string_view content_type, const std::string& tag,
                                  oci::Digest* digest, oci::ParsedManifest* parsed) {
  Status s = oci::ParseManifest(body, content_type, parsed);
  if (!s.ok()) return s;
  *digest = oci::Digest::Sha256Of(body);
  std::lock_guard<std::mutex> lock(content_mutex_);
  for (const auto& blob : parsed->blobs) {
    if (oci::IsNonDistributable(blob)) continue;
    if (!metadata_.LinkedBlob(repository, blob.digest)) {
      return Status::NotFound("blob " + blob.digest.ToString() + " is not in " + repository);
    }
  }
  for (const auto& child : parsed->manifests) {
    if (!metadata_.FindManifest(repository, child.digest)) {
      return Status::NotFound("manifest " + child.digest.ToString() + " is not in " + repository);
    }
  }
  uint64_t existing = 0;
  if (!blobs_.Stat(*digest, &existing).ok()) {
    s = blobs_.Put(body, *digest);
    if (!s.ok()) return s;
  }
  ManifestRecord record;
  record.repository = repository;
  record.digest = *digest;
  record.media_type = parsed->media_type;
  record.size = static_cast<int64_t>(body.size());
  record.artifact_type = parsed->artifact_type;
  record.annotations_json = parsed->annotations_json;
  record.created_at = static_cast<int64_t>(std::time(nullptr));
  return metadata_.PutManifest(record, *parsed, tag);
}

Status RegistryStore::DeleteManifest(const std::string& repository, const oci::Digest& digest) {
  std::vector<oci::Digest> released;
  {
    std::lock_guard<std::mutex> lock(content_mutex_);
    Status s = metadata_.DeleteManifest(repository, digest, &released);
    if (!s.ok()) return s;
  }
  CollectGarbage(released);
  return Status::Ok();
}

Status RegistryStore::ReadManifest(const ManifestRecord& record, std::string* body) {
  return blobs_.Read(record.digest, body);
}

Status RegistryStore::CollectUnreferenced(std::chrono::seconds grace) {
  std::vector<oci::Digest> released;
  {
    std::lock_guard<std::mutex> lock(content_mutex_);
    int64_t before = static_cast<int64_t>(std::time(nullptr)) - grace.count();
    Status s = metadata_.UnlinkUnreferencedBlobs(before, &released);
    if (!s.ok()) return s;
  }
  CollectGarbage(released);
  return Status::Ok();
}

void RegistryStore::CollectGarbage(const std::vector<oci::Digest>& candidates) {
  std::lock_guard<std::mutex> lock(content_mutex_);
  for (const auto& d : candidates) {
    if (!metadata_.IsReferenced(d)) {
      blobs_.Remove(d);
      Log(LogLevel::kDebug, "registry: garbage-collected " + d.ToString());
    }
  }
}

}  // namespace ukc::registry
