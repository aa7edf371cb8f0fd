// ImageSource over the emulator's registry: references resolve through the ImageCatalog (so an
// instance sees exactly the images GET /v1/images/list shows its user), and boot files come from
// the VMM's ImageLoader cache. Thread-safe (the launcher, preparer and the daemon's template
// preparation load images concurrently; extraction into the cache is one at a time).
#pragma once

#include <mutex>

#include "platform/image_catalog.h"
#include "platform/instance_controller.h"
#include "vmm/image_loader.h"

namespace ukc::platform {

class RegistryImageSource : public ImageSource {
 public:
  RegistryImageSource(registry::RegistryStore* store, std::filesystem::path cache_dir)
      : catalog_(store), loader_(store, std::move(cache_dir)) {}

  Status Resolve(const std::string& user, const std::string& reference, std::string* repository,
                 std::string* digest, std::string* display) override;
  Status Load(const std::string& repository, const std::string& digest, BootImage* out) override;
  std::map<std::string, std::string> Labels(const std::string& user,
                                            const std::string& display) override;

 private:
  ImageCatalog catalog_;
  std::mutex load_mu_;  // guards loader_
  vmm::ImageLoader loader_;
};

}  // namespace ukc::platform
