#include "platform/image_catalog.h"

#include <map>

#include "registry/image_reader.h"
#include "registry/registry_service.h"

namespace ukc::platform {

namespace {

constexpr char kOfficialPrefix[] = "official/";

std::string DisplayTag(const std::string& repository, const std::string& tag) {
  std::string name = repository.rfind(kOfficialPrefix, 0) == 0
                         ? repository.substr(sizeof(kOfficialPrefix) - 1)
                         : repository;
  return name + ":" + tag;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out.append(out.empty() ? "" : " ").append(w);
  return out;
}

}  // namespace

bool ImageCatalog::Describe(const std::string& repository, const oci::Digest& digest,
                            std::vector<std::string> tags, api::Image* out) {
  registry::ImageDescription image;
  if (!registry::ReadImage(store_, repository, digest.ToString(), &image).ok()) return false;
  out->digest = repository + "@" + digest.ToString();
  out->tags = std::move(tags);
  out->initrd = image.initrd.has_value();
  out->size_in_bytes = image.size_in_bytes;
  out->args = Joined(image.args);
  out->kernel_args = Joined(image.kernel_args);
  out->labels = std::move(image.labels);
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
