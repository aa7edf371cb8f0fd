#include "runtime/image_publisher.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <tuple>

#include "oci/media_types.h"

namespace ukc::runtime {
namespace {

// Stores a file as a blob of `repository` through a read-only mapping; checks the digest.
Status PutFileBlob(registry::RegistryStore& store, const std::string& repository,
                   const LayerBlob& layer) {
  uint64_t stored = 0;
  if (store.metadata().LinkedBlob(repository, layer.digest) &&
      store.blobs().Stat(layer.digest, &stored).ok() && stored == layer.size) {
    return Status::Ok();  // already there: skip hashing the file again
  }
  int fd = ::open(layer.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + layer.file.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) != layer.size || st.st_size == 0) {
    ::close(fd);
    return Status::Corruption(layer.file.string() + " changed size since it was packed");
  }
  void* data = ::mmap(nullptr, layer.size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) return Status::IoError("mmap " + layer.file.string());
  oci::Digest digest;
  Status s = store.PutBlob(repository, std::string_view(static_cast<const char*>(data), layer.size),
                           &digest);
  ::munmap(data, layer.size);
  if (s.ok() && !(digest == layer.digest)) {
    s = Status::Corruption(layer.file.string() + " changed since it was packed");
  }
  return s;
}

}  // namespace

bool IsPublished(registry::RegistryStore& store, const std::string& repository,
                 const std::vector<std::string>& tags, const oci::Digest& index_digest) {
  for (const auto& tag : tags) {
    auto record = store.metadata().FindTag(repository, tag);
    if (!record || !(record->digest == index_digest)) return false;
  }
  return !tags.empty();
}

Status PublishImage(registry::RegistryStore& store, const std::string& repository,
                    const std::vector<std::string>& tags, const PackedImage& image) {
  if (tags.empty()) return Status::InvalidArgument("no tag for " + repository);
  for (const LayerBlob* layer : {&image.kernel_layer, &image.initrd_layer}) {
    if (Status s = PutFileBlob(store, repository, *layer); !s.ok()) return s;
  }
  oci::Digest digest;
  if (Status s = store.PutBlob(repository, image.config, &digest); !s.ok()) return s;
  oci::ParsedManifest parsed;
  if (Status s = store.PutManifest(repository, image.manifest, oci::kMediaTypeOciManifest, "",
                                   &digest, &parsed);
      !s.ok()) {
    return s;
  }
  for (const auto& tag : tags) {
    if (Status s = store.PutManifest(repository, image.index, oci::kMediaTypeOciIndex, tag, &digest,
                                     &parsed);
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

namespace {

// Reads a stored JSON document by digest; null on any failure.
nlohmann::json ReadJson(registry::RegistryStore& store, const std::string& digest_text) {
  auto digest = oci::Digest::Parse(digest_text);
  std::string body;
  if (!digest || !store.blobs().Read(*digest, &body).ok()) return nullptr;
  return nlohmann::json::parse(body, nullptr, false);
}

// Fills size and contents from the index's first manifest and its config.
void Describe(registry::RegistryStore& store, PublishedRuntime* runtime) {
  auto index = ReadJson(store, runtime->index_digest.ToString());
  if (!index.is_object() || !index.contains("manifests") || index["manifests"].empty()) return;
  auto manifest = ReadJson(store, index["manifests"][0].value("digest", ""));
  if (!manifest.is_object()) return;
  for (const auto& layer : manifest.value("layers", nlohmann::json::array())) {
    runtime->size += layer.value("size", uint64_t{0});
  }
  auto config_desc = manifest.value("config", nlohmann::json::object());
  runtime->size += config_desc.value("size", uint64_t{0});
  auto config = ReadJson(store, config_desc.value("digest", ""));
  if (!config.is_object()) return;
  auto labels =
      config.value("config", nlohmann::json::object()).value("Labels", nlohmann::json::object());
  runtime->contents = labels.value(kLabelRuntimeContents, "");
}

}  // namespace

Status ListPublished(registry::RegistryStore& store, std::vector<PublishedRuntime>* out) {
  out->clear();
  for (const auto& tag : store.metadata().ListAllTags()) {
    if (tag.repository.rfind("official/", 0) != 0) continue;
    PublishedRuntime runtime{tag.repository, tag.tag, tag.digest, 0, ""};
    Describe(store, &runtime);
    out->push_back(std::move(runtime));
  }
  std::sort(out->begin(), out->end(), [](const PublishedRuntime& a, const PublishedRuntime& b) {
    return std::tie(a.repository, a.tag) < std::tie(b.repository, b.tag);
  });
  return Status::Ok();
}

}  // namespace ukc::runtime
