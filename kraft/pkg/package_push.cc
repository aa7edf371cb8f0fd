#include "pkg/package_push.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/media_types.h"

namespace kraft {
namespace fs = std::filesystem;
using nlohmann::json;
using ukc::Status;

namespace {

struct Blob {
  std::string digest;
  uint64_t size = 0;
};

struct Documents {
  std::string index, manifest;
  std::string manifest_digest;
  std::vector<Blob> blobs;  // config first, then layers
};

Status LoadDocuments(const PackageStore& store, const std::string& index_digest, Documents* d) {
  if (Status s = store.ReadBlob(index_digest, &d->index); !s.ok()) return s;
  json index = json::parse(d->index, nullptr, false);
  if (!index.is_object() || index.value("manifests", json::array()).empty()) {
    return Status::Corruption("stored index " + index_digest + " is unreadable");
  }
  d->manifest_digest = index["manifests"][0].value("digest", "");
  if (Status s = store.ReadBlob(d->manifest_digest, &d->manifest); !s.ok()) return s;
  json manifest = json::parse(d->manifest, nullptr, false);
  if (!manifest.is_object()) return Status::Corruption("stored manifest is unreadable");
  const json config = manifest.value("config", json::object());
  d->blobs.push_back({config.value("digest", ""), config.value("size", uint64_t{0})});
  for (const auto& l : manifest.value("layers", json::array())) {
    d->blobs.push_back({l.value("digest", ""), l.value("size", uint64_t{0})});
  }
  return Status::Ok();
}

// A runtime layer the registry would not mount: copied through a temp file.
Status CopyFromRuntime(RegistrySession* session, const PushRequest& request, const Blob& blob,
                       const RegistrySession::BytesFn& progress) {
  fs::path temp = fs::temp_directory_path() / ("kraft-blob-" + std::to_string(getpid()));
  Status s = session->DownloadBlob(request.runtime_repository, blob.digest, temp);
  if (s.ok()) s = session->UploadBlob(request.repository, blob.digest, temp, progress);
  std::error_code ec;
  fs::remove(temp, ec);
  return s;
}

}  // namespace

Status PushPackage(RegistrySession* session, const PackageStore& store, const PushRequest& request,
                   const PackageProgressFn& progress, PackageResult* result) {
  Documents docs;
  if (Status s = LoadDocuments(store, request.index_digest, &docs); !s.ok()) return s;
  std::vector<Blob> missing;
  uint64_t total = 0;
  for (const Blob& blob : docs.blobs) {
    bool exists = false;
    if (Status s = session->HasBlob(request.repository, blob.digest, &exists); !s.ok()) return s;
    if (exists) {
      ++result->blobs_present;
      continue;
    }
    missing.push_back(blob);
    if (store.HasBlob(blob.digest)) total += blob.size;
  }
  uint64_t done = 0;
  auto report = [&](const std::string& detail, uint64_t blob_done, bool finished) {
    if (progress) progress({"pushing", detail, done + blob_done, total, finished});
  };
  report(request.repository + ":" + request.tag, 0, false);
  for (const Blob& blob : missing) {
    auto bytes = [&](uint64_t sent) { report(blob.digest, sent, false); };
    Status s;
    if (store.HasBlob(blob.digest)) {
      s = session->UploadBlob(request.repository, blob.digest, store.BlobPath(blob.digest), bytes);
      done += blob.size;
      ++result->blobs_uploaded;
      result->bytes_uploaded += blob.size;
    } else {
      bool mounted = false;
      if (request.runtime_repository.empty()) {
        return Status::NotFound("blob " + blob.digest + " is neither local nor in the registry");
      }
      s = session->MountBlob(request.repository, blob.digest, request.runtime_repository, &mounted);
      if (s.ok() && !mounted) s = CopyFromRuntime(session, request, blob, bytes);
      if (s.ok()) ++(mounted ? result->blobs_mounted : result->blobs_uploaded);
      if (s.ok() && !mounted) result->bytes_uploaded += blob.size;
    }
    if (!s.ok()) return s;
  }
  Status s = session->PutManifest(request.repository, docs.manifest_digest, docs.manifest,
                                  ukc::oci::kMediaTypeOciManifest);
  if (!s.ok()) return s;
  std::string current;
  if (s = session->ManifestDigest(request.repository, request.tag, &current); !s.ok()) return s;
  if (current != request.index_digest) {
    s = session->PutManifest(request.repository, request.tag, docs.index,
                             ukc::oci::kMediaTypeOciIndex);
    if (!s.ok()) return s;
  }
  report(request.repository + ":" + request.tag, 0, true);
  return Status::Ok();
}

}  // namespace kraft
