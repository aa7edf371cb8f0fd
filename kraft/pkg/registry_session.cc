#include "pkg/registry_session.h"

#include <httplib.h>

#include <fstream>
#include <memory>

#include "oci/media_types.h"
#include "registry_client.h"

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

constexpr char kManifestAccept[] =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

Status HttpError(const httplib::Result& res, const std::string& what) {
  if (!res) return Status::Unavailable(what + ": " + httplib::to_string(res.error()));
  std::string detail = what + ": HTTP " + std::to_string(res->status) + " " + res->body;
  if (res->status == 404) return Status::NotFound(detail);
  if (res->status == 401 || res->status == 403) return Status::PermissionDenied(detail);
  return Status::Unavailable(detail);
}

// A Location header (absolute or relative) as a path with query.
std::string LocationPath(const std::string& location) {
  if (location.starts_with("http://") || location.starts_with("https://")) {
    auto slash = location.find('/', location.find("//") + 2);
    return slash == std::string::npos ? "/" : location.substr(slash);
  }
  return location;
}

std::string WithQuery(const std::string& path, const std::string& query) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

std::unique_ptr<httplib::Client> RegistrySession::NewClient() const {
  auto client = std::make_unique<httplib::Client>(origin_);
  if (!account_.empty()) client->set_basic_auth(account_.c_str(), secret_.c_str());
  client->set_read_timeout(300, 0);
  client->set_write_timeout(300, 0);
  return client;
}

RegistrySession::RegistrySession(const std::string& registry, std::string account,
                                 std::string secret)
    : origin_(RegistryOrigin(registry)), account_(std::move(account)), secret_(std::move(secret)) {}

Status RegistrySession::GetManifest(const std::string& repo, const std::string& reference,
                                    std::string* body, std::string* media_type,
                                    std::string* digest) {
  auto client = NewClient();
  auto res = client->Get("/v2/" + repo + "/manifests/" + reference, {{"Accept", kManifestAccept}});
  if (!res || res->status != 200) return HttpError(res, "reading " + repo + ":" + reference);
  *body = res->body;
  if (media_type) *media_type = res->get_header_value("Content-Type");
  if (digest) *digest = res->get_header_value("Docker-Content-Digest");
  return Status::Ok();
}

Status RegistrySession::ManifestDigest(const std::string& repo, const std::string& reference,
                                       std::string* digest) {
  auto client = NewClient();
  auto res = client->Head("/v2/" + repo + "/manifests/" + reference, {{"Accept", kManifestAccept}});
  digest->clear();
  if (res && res->status == 404) return Status::Ok();
  if (!res || res->status != 200) return HttpError(res, "checking " + repo + ":" + reference);
  *digest = res->get_header_value("Docker-Content-Digest");
  return Status::Ok();
}

Status RegistrySession::PutManifest(const std::string& repo, const std::string& reference,
                                    const std::string& body, const std::string& media_type) {
  auto client = NewClient();
  auto res = client->Put("/v2/" + repo + "/manifests/" + reference, body, media_type.c_str());
  if (!res || res->status / 100 != 2) return HttpError(res, "pushing " + repo + ":" + reference);
  return Status::Ok();
}

Status RegistrySession::HasBlob(const std::string& repo, const std::string& digest, bool* exists) {
  auto client = NewClient();
  auto res = client->Head("/v2/" + repo + "/blobs/" + digest);
  if (res && (res->status == 200 || res->status == 404)) {
    *exists = res->status == 200;
    return Status::Ok();
  }
  return HttpError(res, "checking blob " + digest + " in " + repo);
}

Status RegistrySession::GetBlob(const std::string& repo, const std::string& digest,
                                std::string* body) {
  auto client = NewClient();
  auto res = client->Get("/v2/" + repo + "/blobs/" + digest);
  if (!res || res->status != 200) return HttpError(res, "reading blob " + digest);
  *body = res->body;
  return Status::Ok();
}

Status RegistrySession::DownloadBlob(const std::string& repo, const std::string& digest,
                                     const fs::path& out) {
  auto client = NewClient();
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  if (!file) return Status::IoError("create " + out.string());
  int status = 0;
  auto res = client->Get(
      "/v2/" + repo + "/blobs/" + digest,
      [&](const httplib::Response& r) { return (status = r.status) == 200; },
      [&](const char* data, size_t n) { return static_cast<bool>(file.write(data, n)); });
  if (!res || res->status != 200) return HttpError(res, "reading blob " + digest);
  file.close();
  if (!file) return Status::IoError("write " + out.string());
  return Status::Ok();
}

Status RegistrySession::MountBlob(const std::string& repo, const std::string& digest,
                                  const std::string& from, bool* mounted) {
  auto client = NewClient();
  auto res = client->Post("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from, "",
                          "application/octet-stream");
  *mounted = res && res->status == 201;
  if (res && res->status == 202) {  // not mountable: drop the session the registry opened
    client->Delete(LocationPath(res->get_header_value("Location")));
    return Status::Ok();
  }
  if (!*mounted) return HttpError(res, "mounting " + digest + " from " + from);
  return Status::Ok();
}

namespace {

Status StartUpload(httplib::Client* client, const std::string& repo, std::string* location) {
  auto res = client->Post("/v2/" + repo + "/blobs/uploads/", "", "application/octet-stream");
  if (!res || res->status != 202) return HttpError(res, "starting an upload to " + repo);
  *location = LocationPath(res->get_header_value("Location"));
  if (location->empty()) return Status::Corruption("registry sent no upload Location");
  return Status::Ok();
}

Status FinishUpload(httplib::Client* client, const std::string& location, const std::string& digest,
                    const std::string& body) {
  auto res = client->Put(WithQuery(location, "digest=" + digest), body, "application/octet-stream");
  if (!res || res->status != 201) return HttpError(res, "committing blob " + digest);
  return Status::Ok();
}

}  // namespace

Status RegistrySession::UploadBytes(const std::string& repo, const std::string& digest,
                                    const std::string& bytes) {
  auto client = NewClient();
  std::string location;
  if (Status s = StartUpload(client.get(), repo, &location); !s.ok()) return s;
  return FinishUpload(client.get(), location, digest, bytes);
}

Status RegistrySession::UploadBlob(const std::string& repo, const std::string& digest,
                                   const fs::path& file, const BytesFn& progress) {
  std::error_code ec;
  uint64_t size = fs::file_size(file, ec);
  if (ec) return Status::IoError("stat " + file.string() + ": " + ec.message());
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError("open " + file.string());
  auto client = NewClient();
  std::string location;
  if (Status s = StartUpload(client.get(), repo, &location); !s.ok()) return s;
  std::string chunk;
  if (size <= kMonolithicMax) {
    chunk.resize(size);
    in.read(chunk.data(), size);
    if (Status s = FinishUpload(client.get(), location, digest, chunk); !s.ok()) return s;
    if (progress) progress(size);
    return Status::Ok();
  }
  for (uint64_t sent = 0; sent < size;) {
    chunk.resize(std::min<uint64_t>(kChunkSize, size - sent));
    if (!in.read(chunk.data(), chunk.size())) return Status::IoError("read " + file.string());
    std::string range = std::to_string(sent) + "-" + std::to_string(sent + chunk.size() - 1);
    auto res =
        client->Patch(location, {{"Content-Range", range}}, chunk, "application/octet-stream");
    if (!res || res->status != 202) return HttpError(res, "uploading blob " + digest);
    std::string next = res->get_header_value("Location");
    if (!next.empty()) location = LocationPath(next);
    sent += chunk.size();
    if (progress) progress(sent);
  }
  return FinishUpload(client.get(), location, digest, "");
}

}  // namespace kraft
