#include "pkg/registry_base_image.h"

#include <unistd.h>

#include "archive/tar_reader.h"
#include "kraftfile/kraftfile.h"
#include "oci/media_types.h"
#include "pkg/rootfs_unpack.h"
#include "pkg/runtime_image.h"

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

bool IsErofs(const fs::path& file) {
  FILE* f = fopen(file.c_str(), "rb");
  if (!f) return false;
  unsigned char m[4] = {};
  bool erofs = fseek(f, 1024, SEEK_SET) == 0 && fread(m, 1, 4, f) == 4 && m[0] == 0xe2 &&
               m[1] == 0xe1 && m[2] == 0xf5 && m[3] == 0xe0;
  fclose(f);
  return erofs;
}

}  // namespace

Status RegistryBaseImageSource::Extract(const std::string& reference, const fs::path& rootfs_dir,
                                        build::ImageConfig* config) {
  RuntimeImage image;
  if (Status s = FetchRuntimeImage(session_, ResolveRuntimeReference(reference), &image); !s.ok()) {
    return s;
  }
  fs::path tmp = fs::temp_directory_path() / ("kraft-base-" + std::to_string(getpid()));
  std::error_code ec;
  fs::create_directories(rootfs_dir, ec);
  Status s;
  for (const ukc::oci::LayerRef& layer : image.layers) {
    if (!layer.annotations.contains(ukc::oci::kAnnotationInitrdPath)) continue;
    fs::path tar = tmp;
    tar += ".tar";
    fs::path initrd = tmp;
    initrd += ".initrd";
    s = session_->DownloadBlob(image.repository, layer.digest.ToString(), tar);
    if (s.ok()) s = ukc::archive::ExtractSingleFile(tar, initrd);
    if (s.ok() && IsErofs(initrd)) {
      s = Status::InvalidArgument("base image " + reference + " has an EROFS initrd: unsupported");
    }
    if (s.ok()) s = UnpackRootfsArchive(initrd, rootfs_dir);
    fs::remove(tar, ec);
    fs::remove(initrd, ec);
    if (!s.ok()) return s;
  }
  config->cmd = image.cmd;
  config->env = image.env;
  config->working_dir = image.working_dir;
  config->labels = image.labels;
  return Status::Ok();
}

Status RegistryBaseImageSource::Digest(const std::string& reference, std::string* digest) {
  RuntimeImage image;
  Status s = FetchRuntimeImage(session_, ResolveRuntimeReference(reference), &image);
  if (s.ok()) *digest = image.manifest_digest;
  return s;
}

}  // namespace kraft
