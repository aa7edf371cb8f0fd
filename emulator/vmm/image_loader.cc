#include "vmm/image_loader.h"

#include <fcntl.h>
#include <unistd.h>

#include "archive/tar_reader.h"
#include "oci/names.h"
#include "registry/image_reader.h"
#include "store/data_dir.h"
#include "vmm/initrd_overlay.h"

namespace ukc::vmm {
namespace {

bool LooksLikeTar(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[5] = {};
  bool tar = pread(fd, magic, 5, 257) == 5 && std::string(magic, 5) == "ustar";
  close(fd);
  return tar;
}

}  // namespace

Status ParseImageReference(const std::string& image, std::string* repository,
                           std::string* reference) {
  auto at = image.find('@');
  if (at != std::string::npos) {
    *repository = image.substr(0, at);
    *reference = image.substr(at + 1);
    if (!oci::Digest::Parse(*reference)) {
      return Status::InvalidArgument("bad digest in image reference '" + image + "'");
    }
  } else {
    auto colon = image.rfind(':');
    bool has_tag = colon != std::string::npos && image.find('/', colon) == std::string::npos;
    *repository = has_tag ? image.substr(0, colon) : image;
    *reference = has_tag ? image.substr(colon + 1) : "latest";
    if (!oci::IsValidTag(*reference)) {
      return Status::InvalidArgument("bad tag in image reference '" + image + "'");
    }
  }
  if (!oci::IsValidRepositoryName(*repository)) {
    return Status::InvalidArgument("bad repository name in image reference '" + image + "'");
  }
  return Status::Ok();
}

Status ImageLoader::Extract(const std::string& repository, const std::string& digest,
                            const std::string& media_type, const std::string& role,
                            std::filesystem::path* out) {
  auto d = oci::Digest::Parse(digest);
  if (!d || !store_->metadata().LinkedBlob(repository, *d)) {
    return Status::NotFound(role + " layer " + digest + " is not in " + repository);
  }
  auto dir = cache_dir_ / (std::string(d->AlgorithmName()) + "-" + d->hex);
  *out = dir / role;
  std::error_code ec;
  if (std::filesystem::exists(*out, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string());
  auto blob = store_->blobs().PathFor(*d);
  auto temp = dir / (role + ".tmp." + std::to_string(getpid()));
  Status s;
  if (media_type.starts_with("application/vnd.unikraft.") && !LooksLikeTar(blob)) {
    std::filesystem::copy_file(blob, temp, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) s = Status::IoError("copy " + blob.string() + ": " + ec.message());
  } else {
    s = archive::ExtractSingleFile(blob, temp);
    if (!s.ok()) s = Status::Corruption(role + " layer " + digest + ": " + s.message());
  }
  if (s.ok()) {
    std::filesystem::rename(temp, *out, ec);
    if (ec) s = Status::IoError("rename into " + out->string() + ": " + ec.message());
  }
  if (!s.ok()) std::filesystem::remove(temp, ec);
  return s;
}

Status ImageLoader::Load(const std::string& repository, const std::string& reference,
                         LoadedImage* out) {
  registry::ImageDescription image;
  if (Status s = registry::ReadImage(store_, repository, reference, &image); !s.ok()) return s;
  if (!image.kernel) {
    return Status::InvalidArgument("image " + repository +
                                   " has no kernel layer"
                                   " (annotation org.unikraft.kernel.image)");
  }
  *out = LoadedImage{};
  out->manifest_digest = image.manifest_digest.ToString();
  Status s = Extract(repository, image.kernel->digest.ToString(), image.kernel->media_type,
                     "kernel", &out->kernel);
  if (!s.ok()) return s;
  std::vector<std::filesystem::path> parts;
  std::vector<std::string> keys;
  for (const registry::ImageLayer& layer : image.initrds) {
    std::filesystem::path part;
    s = Extract(repository, layer.digest.ToString(), layer.media_type, "initrd", &part);
    if (!s.ok()) return s;
    if (s = CheckBootableInitrd(part); !s.ok()) return s;
    parts.push_back(part);
    keys.push_back(layer.digest.ToString());
  }
  if (parts.size() == 1) out->initrd = parts[0];
  if (parts.size() > 1) {
    if (s = OverlayInitrds(parts, keys, cache_dir_, &out->initrd); !s.ok()) return s;
  }
  size_t shared = parts.size() > 1 ? parts.size() - 1 : parts.size();
  out->shared_initrd_digests.assign(keys.begin(), keys.begin() + shared);
  if (shared == 1) out->shared_initrd = parts[0];
  if (shared > 1) {
    std::vector<std::filesystem::path> shared_parts(parts.begin(), parts.begin() + shared);
    s = OverlayInitrds(shared_parts, out->shared_initrd_digests, cache_dir_, &out->shared_initrd);
    if (!s.ok()) return s;
  }
  if (parts.size() > 1) out->app_initrd = parts.back();
  out->cmd = std::move(image.args);  // kernel parameters (before "--") do not apply to Linux
  out->env = std::move(image.env);
  out->working_dir = std::move(image.working_dir);
  out->labels = std::move(image.labels);
  return Status::Ok();
}

}  // namespace ukc::vmm
