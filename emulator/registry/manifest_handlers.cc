// Manifests, tags, catalog and referrers of RegistryService.
#include <nlohmann/json.hpp>

#include "oci/media_types.h"
#include "oci/names.h"
#include "registry/registry_service.h"

namespace ukc::registry {

using nlohmann::json;

namespace {

constexpr size_t kMaxManifestBytes = size_t{4} << 20;

// A reference is a digest when it contains ':'. Answers and returns false when malformed: 400
// for a bad digest, and for a bad tag 400 on PUT but 404 on reads and deletes (nothing can exist
// under it, and the conformance suite expects 404).
bool ParseReference(http::Exchange& ex, const std::string& reference,
                    std::optional<oci::Digest>* digest) {
  if (reference.find(':') != std::string::npos) {
    *digest = oci::Digest::Parse(reference);
    if (!*digest) {
      RespondRegistryError(ex, 400, "DIGEST_INVALID", "invalid digest", reference);
      return false;
    }
    return true;
  }
  if (!oci::IsValidTag(reference)) {
    if (ex.method() == "PUT") {
      RespondRegistryError(ex, 400, "MANIFEST_INVALID", "invalid tag", reference);
    } else {
      RespondRegistryError(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown to registry", reference);
    }
    return false;
  }
  return true;
}

// Parses ?n= and ?last=; answers 400 and returns false when n is not a number.
bool ParsePagination(http::Exchange& ex, int64_t* n, std::string* last) {
  *last = ex.Query("last");
  *n = -1;
  if (!ex.HasQuery("n")) return true;
  std::string text = ex.Query("n");
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    RespondRegistryError(ex, 400, "PAGINATION_NUMBER_INVALID", "invalid number of results", text);
    return false;
  }
  *n = std::stoll(text);
  return true;
}

// Trims `items` to `n` (when >= 0) and returns the Link header for the next page, if any.
std::string Paginate(std::vector<std::string>* items, int64_t n, const std::string& path) {
  if (n < 0 || static_cast<int64_t>(items->size()) <= n) return {};
  items->resize(static_cast<size_t>(n));
  if (items->empty()) return {};
  return "<" + path + "?n=" + std::to_string(n) + "&last=" + items->back() + ">; rel=\"next\"";
}

}  // namespace

void RegistryService::PutManifest(http::Exchange& ex, const Route& route) {
  std::optional<oci::Digest> reference_digest;
  if (!ParseReference(ex, route.argument, &reference_digest)) return;
  std::string body;
  Status s = ex.ReadBody(&body, kMaxManifestBytes);
  if (s.kind() == Status::Kind::kTooLarge) {
    return RespondRegistryError(ex, 413, "SIZE_INVALID", "manifest too large", s.message());
  }
  if (!s.ok()) return RespondRegistryError(ex, 400, "MANIFEST_INVALID", "incomplete body");
  if (reference_digest) {
    if (reference_digest->algorithm != oci::DigestAlgorithm::kSha256) {
      return RespondRegistryError(ex, 400, "DIGEST_INVALID", "only sha256 manifest digests",
                                  route.argument);
    }
    if (!(oci::Digest::Sha256Of(body) == *reference_digest)) {
      return RespondRegistryError(ex, 400, "DIGEST_INVALID",
                                  "manifest digest does not match its content", route.argument);
    }
  }
  oci::Digest digest;
  oci::ParsedManifest parsed;
  std::string tag = reference_digest ? std::string() : route.argument;
  s = store_->PutManifest(route.repository, body, ex.Header("Content-Type"), tag, &digest, &parsed);
  if (s.kind() == Status::Kind::kInvalidArgument) {
    return RespondRegistryError(ex, 400, "MANIFEST_INVALID", "manifest invalid", s.message());
  }
  if (s.kind() == Status::Kind::kNotFound) {
    return RespondRegistryError(ex, 400, "MANIFEST_BLOB_UNKNOWN",
                                "manifest references a manifest or blob unknown to registry",
                                s.message());
  }
  if (!s.ok())
    return RespondRegistryError(ex, 500, "UNKNOWN", "cannot store manifest", s.message());
  http::Headers headers = {
      {"Location", "/v2/" + route.repository + "/manifests/" + digest.ToString()},
      {"Docker-Content-Digest", digest.ToString()}};
  if (parsed.subject) headers.emplace_back("OCI-Subject", parsed.subject->ToString());
  ex.Respond(201, RegistryHeaders(std::move(headers)));
}

void RegistryService::GetManifest(http::Exchange& ex, const Route& route) {
  std::optional<oci::Digest> digest;
  if (!ParseReference(ex, route.argument, &digest)) return;
  auto record = digest ? store_->metadata().FindManifest(route.repository, *digest)
                       : store_->metadata().FindTag(route.repository, route.argument);
  std::string body;
  if (!record || !store_->ReadManifest(*record, &body).ok()) {
    return RespondRegistryError(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown to registry",
                                route.argument);
  }
  http::Headers headers = RegistryHeaders({{"Content-Type", record->media_type},
                                           {"Docker-Content-Digest", record->digest.ToString()},
                                           {"ETag", "\"" + record->digest.ToString() + "\""}});
  if (ex.method() == "HEAD") return ex.RespondHead(200, headers, body.size());
  ex.Respond(200, headers, std::move(body));
}

void RegistryService::DeleteManifest(http::Exchange& ex, const Route& route) {
  std::optional<oci::Digest> digest;
  if (!ParseReference(ex, route.argument, &digest)) return;
  bool deleted = digest ? store_->DeleteManifest(route.repository, *digest).ok()
                        : store_->metadata().DeleteTag(route.repository, route.argument);
  if (!deleted) {
    return RespondRegistryError(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown to registry",
                                route.argument);
  }
  ex.Respond(202, RegistryHeaders());
}

void RegistryService::ListTags(http::Exchange& ex, const Route& route) {
  int64_t n = -1;
  std::string last;
  if (!ParsePagination(ex, &n, &last)) return;
  if (!store_->metadata().RepositoryExists(route.repository)) {
    return RespondRegistryError(ex, 404, "NAME_UNKNOWN", "repository name not known to registry",
                                route.repository);
  }
  std::vector<std::string> tags =
      store_->metadata().ListTags(route.repository, last, n < 0 ? INT64_MAX : n + 1);
  std::string link = Paginate(&tags, n, "/v2/" + route.repository + "/tags/list");
  http::Headers headers = {{"Content-Type", "application/json"}};
  if (!link.empty()) headers.emplace_back("Link", link);
  ex.Respond(200, RegistryHeaders(std::move(headers)),
             json{{"name", route.repository}, {"tags", tags}}.dump() + "\n");
}

void RegistryService::HandleCatalog(http::Exchange& ex, const std::string& user) {
  if (ex.method() != "GET") {
    return RespondRegistryError(ex, 405, "UNSUPPORTED", "method not allowed");
  }
  int64_t n = -1;
  std::string last;
  if (!ParsePagination(ex, &n, &last)) return;
  std::vector<std::string> visible;
  for (auto& repository : store_->metadata().ListRepositories()) {
    if (repository > last && CanPull(user, repository)) visible.push_back(std::move(repository));
  }
  std::string link = Paginate(&visible, n, "/v2/_catalog");
  http::Headers headers = {{"Content-Type", "application/json"}};
  if (!link.empty()) headers.emplace_back("Link", link);
  ex.Respond(200, RegistryHeaders(std::move(headers)),
             json{{"repositories", visible}}.dump() + "\n");
}

void RegistryService::ListReferrers(http::Exchange& ex, const Route& route) {
  auto digest = oci::Digest::Parse(route.argument);
  if (!digest) {
    return RespondRegistryError(ex, 400, "DIGEST_INVALID", "invalid digest", route.argument);
  }
  std::string filter = ex.Query("artifactType");
  json manifests = json::array();
  for (const auto& record : store_->metadata().Referrers(route.repository, *digest)) {
    if (!filter.empty() && record.artifact_type != filter) continue;
    json descriptor = {{"mediaType", record.media_type},
                       {"digest", record.digest.ToString()},
                       {"size", record.size}};
    if (!record.artifact_type.empty()) descriptor["artifactType"] = record.artifact_type;
    if (!record.annotations_json.empty()) {
      descriptor["annotations"] = json::parse(record.annotations_json, nullptr, false);
    }
    manifests.push_back(std::move(descriptor));
  }
  http::Headers headers = {{"Content-Type", oci::kMediaTypeOciIndex}};
  if (!filter.empty()) headers.emplace_back("OCI-Filters-Applied", "artifactType");
  json index = {
      {"schemaVersion", 2}, {"mediaType", oci::kMediaTypeOciIndex}, {"manifests", manifests}};
  ex.Respond(200, RegistryHeaders(std::move(headers)), index.dump() + "\n");
}

}  // namespace ukc::registry
