#include "platform/registry_image_source.h"

namespace ukc::platform {

Status RegistryImageSource::Resolve(const std::string& user, const std::string& reference,
                                    std::string* repository, std::string* digest,
                                    std::string* display) {
  std::vector<api::Image> found = catalog_.Find(user, reference);
  if (found.empty()) return Status::NotFound("No image with name '" + reference + "'");
  const std::string& pinned = found.front().digest;  // "<repository>@sha256:…"
  size_t at = pinned.find('@');
  *repository = pinned.substr(0, at);
  *digest = pinned.substr(at + 1);
  *display = pinned;
  return Status::Ok();
}

std::map<std::string, std::string> RegistryImageSource::Labels(const std::string& user,
                                                               const std::string& display) {
  std::vector<api::Image> found = catalog_.Find(user, display);
  return found.empty() ? std::map<std::string, std::string>{} : found.front().labels;
}

Status RegistryImageSource::Load(const std::string& repository, const std::string& digest,
                                 BootImage* out) {
  vmm::LoadedImage image;
  {
    std::lock_guard lock(load_mu_);
    if (Status s = loader_.Load(repository, digest, &image); !s.ok()) return s;
  }
  out->kernel = image.kernel;
  out->initrd = image.initrd;
  out->shared_initrd = image.shared_initrd;
  out->app_initrd = image.app_initrd;
  out->shared_initrd_digests = image.shared_initrd_digests;
  out->cmd = image.cmd;
  out->env = image.env;
  out->working_dir = image.working_dir;
  return Status::Ok();
}

}  // namespace ukc::platform
