// The images a user can see — their own `<user>/…` and the `official/…` runtimes — as the
// platform API lists them, read from the registry: each tagged manifest (an index resolves to its
// kraftcloud/x86_64 manifest), its config (Cmd → args/kernel_args, Labels) and its blob sizes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/image.h"
#include "registry/registry_store.h"

namespace ukc::platform {

class ImageCatalog {
 public:
  explicit ImageCatalog(registry::RegistryStore* store) : store_(store) {}

  std::vector<api::Image> List(const std::string& user);
  // Images matching a reference as clients send it: "<user>/<app>[:tag]", "<app>[:tag]" or
  // "official/<app>[:tag]" (official), with or without "index.unikraft.io/", "…@sha256:…", or a
  // bare "sha256:…". Nothing found (or not visible to `user`) is an empty list.
  std::vector<api::Image> Find(const std::string& user, const std::string& reference);

 private:
  // (repository, manifest digest, display tags) → whether to describe and return that image.
  using Match =
      std::function<bool(const std::string&, const std::string&, const std::vector<std::string>&)>;
  std::vector<api::Image> Collect(const std::string& user, const Match& match);
  bool Describe(const std::string& repository, const oci::Digest& digest,
                std::vector<std::string> tags, api::Image* out);

  registry::RegistryStore* store_;
};

}  // namespace ukc::platform
