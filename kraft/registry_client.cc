#include "registry_client.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace kraft {
namespace {

constexpr const char* kManifestTypes =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

bool IsLoopback(const std::string& hostport) {
  std::string host = hostport.substr(0, hostport.rfind(':'));
  if (hostport.front() == '[') host = hostport.substr(1, hostport.find(']') - 1);
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

ukc::Status HttpError(const httplib::Result& res, const std::string& what) {
  if (!res) return ukc::Status::Unavailable(what + ": " + httplib::to_string(res.error()));
  if (res->status == 404) return ukc::Status::NotFound(what + ": not found");
  if (res->status == 401 || res->status == 403) {
    return ukc::Status::PermissionDenied(what + ": " + std::to_string(res->status) + " " +
                                         res->body);
  }
  return ukc::Status::Unavailable(what + ": HTTP " + std::to_string(res->status) + " " + res->body);
}

}  // namespace

std::string RegistryOrigin(const std::string& registry) {
  if (registry.find("://") != std::string::npos) return registry;
  return (IsLoopback(registry) ? "http://" : "https://") + registry;
}

RegistryClient::RegistryClient(const std::string& registry, std::string account, std::string secret)
    : origin_(RegistryOrigin(registry)), account_(std::move(account)), secret_(std::move(secret)) {}

ukc::Status RegistryClient::ResolveTag(const std::string& repo, const std::string& tag,
                                       std::string* digest) {
  httplib::Client client(origin_);
  client.set_basic_auth(account_, secret_);
  auto res = client.Head("/v2/" + repo + "/manifests/" + tag, {{"Accept", kManifestTypes}});
  if (!res || res->status != 200) return HttpError(res, "resolving " + repo + ":" + tag);
  *digest = res->get_header_value("Docker-Content-Digest");
  if (digest->empty()) return ukc::Status::Corruption("registry sent no Docker-Content-Digest");
  return ukc::Status::Ok();
}

ukc::Status RegistryClient::ListTags(const std::string& repo, std::vector<std::string>* tags) {
  httplib::Client client(origin_);
  client.set_basic_auth(account_, secret_);
  auto res = client.Get("/v2/" + repo + "/tags/list");
  tags->clear();
  if (res && res->status == 404) return ukc::Status::Ok();
  if (!res || res->status != 200) return HttpError(res, "listing tags of " + repo);
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_object() && j.contains("tags") && j["tags"].is_array()) {
    for (const auto& t : j["tags"]) {
      if (t.is_string()) tags->push_back(t.get<std::string>());
    }
  }
  return ukc::Status::Ok();
}

ukc::Status RegistryClient::DeleteManifest(const std::string& repo, const std::string& digest) {
  httplib::Client client(origin_);
  client.set_basic_auth(account_, secret_);
  auto res = client.Delete("/v2/" + repo + "/manifests/" + digest);
  if (!res || (res->status != 202 && res->status != 200)) {
    return HttpError(res, "deleting " + repo + "@" + digest);
  }
  return ukc::Status::Ok();
}

}  // namespace kraft
