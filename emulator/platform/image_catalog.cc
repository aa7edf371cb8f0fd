#include "platform/image_catalog.h"

#include <map>

#include "base/rfc3339.h"
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
  out->initrd = !image.initrds.empty();
  out->size_in_bytes = image.size_in_bytes;
  out->args = Joined(image.args);
  out->kernel_args = Joined(image.kernel_args);
  out->labels = std::move(image.labels);
  return true;
}

std::vector<api::Image> ImageCatalog::Collect(const std::string& user, const Match& match) {
  // Group the visible tags by the manifest they point at; describe only the groups that match.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
  std::map<std::pair<std::string, std::string>, int64_t> tagged_at;  // earliest tag, unix s
  for (const auto& tag : store_->metadata().ListAllTags()) {
    if (!registry::RegistryService::CanPull(user, tag.repository)) continue;
    std::pair<std::string, std::string> key{tag.repository, tag.digest.ToString()};
    groups[key].push_back(DisplayTag(tag.repository, tag.tag));
    auto [it, fresh] = tagged_at.emplace(key, tag.updated_at);
    if (!fresh) it->second = std::min(it->second, tag.updated_at);
  }
  std::vector<api::Image> images;
  for (auto& [key, tags] : groups) {
    if (!match(key.first, key.second, tags)) continue;
    api::Image image;
    if (Describe(key.first, *oci::Digest::Parse(key.second), std::move(tags), &image)) {
      image.created_at = Rfc3339(tagged_at[key] * 1000);
      images.push_back(std::move(image));
    }
  }
  return images;
}

std::vector<api::Image> ImageCatalog::List(const std::string& user) {
  return Collect(user, [](const auto&, const auto&, const auto&) { return true; });
}

std::vector<api::Image> ImageCatalog::Find(const std::string& user, const std::string& reference) {
  std::string ref = reference;
  for (const char* registry : {"index.unikraft.io/", "unikraft.io/"}) {
    if (ref.rfind(registry, 0) == 0) ref = ref.substr(std::string(registry).size());
  }
  std::string repository, digest, tag = "latest";
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
    if (has_tag) tag = ref.substr(colon + 1);
  }
  if (!repository.empty() && repository.find('/') == std::string::npos) {
    repository = kOfficialPrefix + repository;
  }
  std::string wanted_tag = DisplayTag(repository, tag);
  return Collect(user, [&](const std::string& image_repository, const std::string& image_digest,
                           const std::vector<std::string>& tags) {
    if (!repository.empty() && image_repository != repository) return false;
    if (!digest.empty()) return image_digest == digest;
    return std::find(tags.begin(), tags.end(), wanted_tag) != tags.end();
  });
}

}  // namespace ukc::platform
