#include "platform/image_catalog.h"

#include <map>
#include <nlohmann/json.hpp>

#include "oci/media_types.h"
#include "registry/registry_service.h"

namespace ukc::platform {

using nlohmann::json;

namespace {

constexpr char kOfficialPrefix[] = "official/";

std::string DisplayTag(const std::string& repository, const std::string& tag) {
  std::string name = repository.rfind(kOfficialPrefix, 0) == 0
                         ? repository.substr(sizeof(kOfficialPrefix) - 1)
                         : repository;
  return name + ":" + tag;
}

// The manifest an index offers for our platform (kraftcloud/qemu/fc on x86_64), else its first.
std::optional<oci::Digest> PlatformManifest(const json& index) {
  std::optional<oci::Digest> first;
  for (const auto& m : index.value("manifests", json::array())) {
    auto digest = oci::Digest::Parse(m.value("digest", ""));
    if (!digest) continue;
    if (!first) first = digest;
    const json platform = m.value("platform", json::object());
    std::string os = platform.value("os", ""), arch = platform.value("architecture", "");
    if ((os == "kraftcloud" || os == "qemu" || os == "fc") &&
        (arch == "x86_64" || arch == "amd64")) {
      return digest;
    }
  }
  return first;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out.append(out.empty() ? "" : " ").append(w);
  return out;
}

}  // namespace

bool ImageCatalog::Describe(const std::string& repository, const oci::Digest& digest,
                            std::vector<std::string> tags, api::Image* out) {
  auto& metadata = store_->metadata();
  auto record = metadata.FindManifest(repository, digest);
  std::string body;
  if (!record || !store_->ReadManifest(*record, &body).ok()) return false;
  json manifest = json::parse(body, nullptr, false);
  if (manifest.is_discarded()) return false;
  if (manifest.contains("manifests")) {
    auto child = PlatformManifest(manifest);
    auto child_record = child ? metadata.FindManifest(repository, *child) : std::nullopt;
    if (!child_record || !store_->ReadManifest(*child_record, &body).ok()) return false;
    manifest = json::parse(body, nullptr, false);
    if (manifest.is_discarded()) return false;
  }
  out->digest = repository + "@" + digest.ToString();
  out->tags = std::move(tags);
  const json config_descriptor = manifest.value("config", json::object());
  out->size_in_bytes = config_descriptor.value("size", int64_t{0});
  for (const auto& layer : manifest.value("layers", json::array())) {
    out->size_in_bytes += layer.value("size", int64_t{0});
    const json annotations = layer.value("annotations", json::object());
    if (annotations.contains(oci::kAnnotationInitrdPath) ||
        layer.value("mediaType", "") == "application/vnd.unikraft.initrd.v1") {
      out->initrd = true;
    }
  }
  std::string config_body;
  auto config_digest = oci::Digest::Parse(config_descriptor.value("digest", ""));
  if (config_digest && store_->blobs().Read(*config_digest, &config_body).ok()) {
    json config = json::parse(config_body, nullptr, false);
    const json inner = config.is_object() ? config.value("config", json::object()) : json();
    std::vector<std::string> before, after;
    bool separated = false;
    for (const auto& word : inner.value("Cmd", json::array())) {
      if (!word.is_string()) continue;
      if (word == "--") {
        separated = true;
        continue;
      }
      (separated ? after : before).push_back(word.get<std::string>());
    }
    out->args = Joined(separated ? after : before);
    out->kernel_args = separated ? Joined(before) : "";
    const json labels = inner.value("Labels", json::object());  // outlives the loop below
    for (const auto& [key, value] : labels.items()) {
      if (value.is_string()) out->labels[key] = value.get<std::string>();
    }
  }
  return true;
}

std::vector<api::Image> ImageCatalog::List(const std::string& user) {
  // Group the visible tags by the manifest they point at.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
  for (const auto& tag : store_->metadata().ListAllTags()) {
    if (!registry::RegistryService::CanPull(user, tag.repository)) continue;
    groups[{tag.repository, tag.digest.ToString()}].push_back(DisplayTag(tag.repository, tag.tag));
  }
  std::vector<api::Image> images;
  for (auto& [key, tags] : groups) {
    api::Image image;
    if (Describe(key.first, *oci::Digest::Parse(key.second), std::move(tags), &image)) {
      images.push_back(std::move(image));
    }
  }
  return images;
}

std::vector<api::Image> ImageCatalog::Find(const std::string& user, const std::string& reference) {
  std::string ref = reference;
  for (const char* registry : {"index.unikraft.io/", "unikraft.io/"}) {
    if (ref.rfind(registry, 0) == 0) ref = ref.substr(std::string(registry).size());
  }
  std::string repository, digest;
  size_t at = ref.find('@');
  if (ref.rfind("sha256:", 0) == 0) {
    digest = ref;
  } else if (at != std::string::npos) {
    repository = ref.substr(0, at);
    digest = ref.substr(at + 1);
  } else {
    size_t colon = ref.rfind(':');
    bool has_tag = colon != std::string::npos && ref.find('/', colon) == std::string::npos;
    repository = has_tag ? ref.substr(0, colon) : ref;
  }
  if (!repository.empty() && repository.find('/') == std::string::npos) {
    repository = kOfficialPrefix + repository;
  }
  std::string wanted_tag;
  if (digest.empty()) {
    size_t colon = ref.rfind(':');
    bool has_tag = colon != std::string::npos && ref.find('/', colon) == std::string::npos;
    wanted_tag = DisplayTag(repository, has_tag ? ref.substr(colon + 1) : "latest");
  }
  std::vector<api::Image> found;
  for (auto& image : List(user)) {
    std::string image_repository = image.digest.substr(0, image.digest.find('@'));
    std::string image_digest = image.digest.substr(image.digest.find('@') + 1);
    if (!repository.empty() && image_repository != repository) continue;
    bool match = digest.empty() ? std::find(image.tags.begin(), image.tags.end(), wanted_tag) !=
                                      image.tags.end()
                                : image_digest == digest;
    if (match) found.push_back(std::move(image));
  }
  return found;
}

}  // namespace ukc::platform
