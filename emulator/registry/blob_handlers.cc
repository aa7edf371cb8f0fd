// Blob reads, deletes and uploads of RegistryService.
#include <unistd.h>

#include <optional>

#include "registry/registry_service.h"

namespace ukc::registry {

namespace {

std::string UploadLocation(const std::string& repository, const std::string& id) {
  return "/v2/" + repository + "/blobs/uploads/" + id;
}

std::string RangeHeader(uint64_t size) { return "0-" + std::to_string(size > 0 ? size - 1 : 0); }

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

// Parses a single "bytes=a-b", "bytes=a-" or "bytes=-n". nullopt: ignore the header (serve all).
// Sets *unsatisfiable when well-formed but outside the blob.
std::optional<ByteRange> ParseRange(const std::string& header, uint64_t size, bool* unsatisfiable) {
  *unsatisfiable = false;
  if (header.rfind("bytes=", 0) != 0 || header.find(',') != std::string::npos) return std::nullopt;
  std::string spec = header.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto number = [](const std::string& s, uint64_t* out) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19) {
      return false;
    }
    *out = std::stoull(s);
    return true;
  };
  uint64_t first = 0, last = 0;
  if (a.empty()) {
    uint64_t suffix = 0;
    if (!number(b, &suffix)) return std::nullopt;
    if (suffix == 0 || size == 0) {
      *unsatisfiable = true;
      return std::nullopt;
    }
    first = suffix >= size ? 0 : size - suffix;
    last = size - 1;
  } else {
    if (!number(a, &first)) return std::nullopt;
    if (b.empty()) {
      last = size - 1;
    } else if (!number(b, &last) || last < first) {
      return std::nullopt;
    }
    if (first >= size) {
      *unsatisfiable = true;
      return std::nullopt;
    }
    if (last >= size) last = size - 1;
  }
  return ByteRange{first, last - first + 1};
}

// Parses "a-b" of Content-Range on PATCH/PUT.
bool ParseContentRange(const std::string& header, uint64_t* first, uint64_t* last) {
  std::string spec = header;
  if (spec.rfind("bytes ", 0) == 0) spec = spec.substr(6);
  size_t slash = spec.find('/');
  if (slash != std::string::npos) spec = spec.substr(0, slash);
  size_t dash = spec.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == spec.size()) return false;
  try {
    *first = std::stoull(spec.substr(0, dash));
    *last = std::stoull(spec.substr(dash + 1));
  } catch (...) {
    return false;
  }
  return *last >= *first;
}

}  // namespace

void RegistryService::GetBlob(http::Exchange& ex, const Route& route) {
  auto digest = oci::Digest::Parse(route.argument);
  if (!digest) {
    return RespondRegistryError(ex, 400, "DIGEST_INVALID", "invalid digest", route.argument);
  }
  auto& metadata = store_->metadata();
  if (!metadata.LinkedBlob(route.repository, *digest) &&
      !metadata.FindManifest(route.repository, *digest)) {
    return RespondRegistryError(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry",
                                digest->ToString());
  }
  int fd = -1;
  uint64_t size = 0;
  if (!store_->blobs().Open(*digest, &fd, &size).ok()) {
    return RespondRegistryError(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry",
                                digest->ToString());
  }
  http::Headers headers = RegistryHeaders({{"Content-Type", "application/octet-stream"},
                                           {"Docker-Content-Digest", digest->ToString()},
                                           {"ETag", "\"" + digest->ToString() + "\""},
                                           {"Accept-Ranges", "bytes"}});
  bool unsatisfiable = false;
  std::optional<ByteRange> range;
  if (ex.HasHeader("Range")) range = ParseRange(ex.Header("Range"), size, &unsatisfiable);
  if (unsatisfiable) {
    ::close(fd);
    return RespondRegistryError(ex, 416, "BLOB_UNKNOWN", "requested range not satisfiable",
                                ex.Header("Range"),
                                {{"Content-Range", "bytes */" + std::to_string(size)}});
  }
  if (ex.method() == "HEAD") {
    ex.RespondHead(200, headers, size);
  } else if (range) {
    headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                              std::to_string(range->first + range->length - 1) +
                                              "/" + std::to_string(size));
    ex.RespondFile(206, headers, fd, range->first, range->length);
  } else {
    ex.RespondFile(200, headers, fd, 0, size);
  }
  ::close(fd);
}

void RegistryService::DeleteBlob(http::Exchange& ex, const Route& route) {
  auto digest = oci::Digest::Parse(route.argument);
  if (!digest) {
    return RespondRegistryError(ex, 400, "DIGEST_INVALID", "invalid digest", route.argument);
  }
  if (!store_->DeleteBlob(route.repository, *digest).ok()) {
    return RespondRegistryError(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry",
                                digest->ToString());
  }
  ex.Respond(202, RegistryHeaders({{"Docker-Content-Digest", digest->ToString()}}));
}

void RegistryService::StartUpload(http::Exchange& ex, const Route& route, const std::string& user) {
  if (ex.HasQuery("mount")) {
    auto digest = oci::Digest::Parse(ex.Query("mount"));
    std::string from = ex.Query("from");
    if (digest && !from.empty() && CanPull(user, from) &&
        store_->Mount(from, route.repository, *digest).ok()) {
      return ex.Respond(
          201,
          RegistryHeaders({{"Location", "/v2/" + route.repository + "/blobs/" + digest->ToString()},
                           {"Docker-Content-Digest", digest->ToString()}}));
    }
    // Not mountable: fall back to an ordinary upload session, as the spec asks.
  }
  std::shared_ptr<UploadSession> session;
  if (Status s = store_->uploads().Create(route.repository, &session); !s.ok()) {
    return RespondRegistryError(ex, 500, "BLOB_UPLOAD_INVALID", "cannot start upload", s.message());
  }
  if (ex.HasQuery("digest") && !ex.HasQuery("mount")) {
    // Monolithic upload: the body is the whole blob.
    std::lock_guard<std::mutex> lock(session->mutex());
    return FinishUploadLocked(ex, route, *session);
  }
  ex.Respond(202, RegistryHeaders({{"Location", UploadLocation(route.repository, session->id())},
                                   {"Docker-Upload-UUID", session->id()},
                                   {"Range", "0-0"}}));
}

void RegistryService::PatchUpload(http::Exchange& ex, const Route& route) {
  auto session = store_->uploads().Find(route.argument, route.repository);
  if (!session) {
    return RespondRegistryError(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry",
                                route.argument);
  }
  std::lock_guard<std::mutex> lock(session->mutex());
  if (!AppendBody(ex, route, *session)) return;
  ex.Respond(202, RegistryHeaders({{"Location", UploadLocation(route.repository, session->id())},
                                   {"Docker-Upload-UUID", session->id()},
                                   {"Range", RangeHeader(session->size())}}));
}

bool RegistryService::AppendBody(http::Exchange& ex, const Route& route, UploadSession& session) {
  session.Touch();
  if (ex.HasHeader("Content-Range")) {
    uint64_t first = 0, last = 0;
    auto length = ex.ContentLength();
    if (!ParseContentRange(ex.Header("Content-Range"), &first, &last) || first != session.size() ||
        (length && *length != last - first + 1)) {
      RespondRegistryError(ex, 416, "BLOB_UPLOAD_INVALID", "range does not continue the upload",
                           ex.Header("Content-Range"),
                           {{"Location", UploadLocation(route.repository, session.id())},
                            {"Range", RangeHeader(session.size())},
                            {"Docker-Upload-UUID", session.id()}});
      return false;
    }
  }
  Status s = ex.StreamBody([&](const char* data, size_t n) { return session.Append(data, n); });
  if (!s.ok()) {
    // The chunk is incomplete: the session cannot continue consistently.
    store_->uploads().Remove(session.id());
    RespondRegistryError(ex, 400, "BLOB_UPLOAD_INVALID", "upload failed", s.message());
    return false;
  }
  return true;
}

void RegistryService::FinishUpload(http::Exchange& ex, const Route& route) {
  auto session = store_->uploads().Find(route.argument, route.repository);
  if (!session) {
    return RespondRegistryError(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry",
                                route.argument);
  }
  std::lock_guard<std::mutex> lock(session->mutex());
  FinishUploadLocked(ex, route, *session);
}

void RegistryService::FinishUploadLocked(http::Exchange& ex, const Route& route,
                                         UploadSession& session) {
  auto digest = oci::Digest::Parse(ex.Query("digest"));
  if (!digest) {
    store_->uploads().Remove(session.id());
    return RespondRegistryError(ex, 400, "DIGEST_INVALID", "missing or invalid digest parameter",
                                ex.Query("digest"));
  }
  if (!AppendBody(ex, route, session)) return;
  Status s = store_->CommitUpload(session, *digest);
  store_->uploads().Remove(session.id());
  if (s.kind() == Status::Kind::kCorruption) {
    return RespondRegistryError(ex, 400, "DIGEST_INVALID",
                                "provided digest did not match uploaded content", s.message());
  }
  if (!s.ok()) {
    return RespondRegistryError(ex, 500, "BLOB_UPLOAD_INVALID", "cannot store blob", s.message());
  }
  ex.Respond(201, RegistryHeaders(
                      {{"Location", "/v2/" + route.repository + "/blobs/" + digest->ToString()},
                       {"Docker-Content-Digest", digest->ToString()}}));
}

void RegistryService::UploadStatus(http::Exchange& ex, const Route& route) {
  auto session = store_->uploads().Find(route.argument, route.repository);
  if (!session) {
    return RespondRegistryError(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry",
                                route.argument);
  }
  ex.Respond(204, RegistryHeaders({{"Location", UploadLocation(route.repository, session->id())},
                                   {"Docker-Upload-UUID", session->id()},
                                   {"Range", RangeHeader(session->size())}}));
}

void RegistryService::CancelUpload(http::Exchange& ex, const Route& route) {
  auto session = store_->uploads().Find(route.argument, route.repository);
  if (!session) {
    return RespondRegistryError(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry",
                                route.argument);
  }
  store_->uploads().Remove(session->id());
  ex.Respond(204, RegistryHeaders());
}

}  // namespace ukc::registry
