// RegistryBaseImageSource: `FROM <image>` for the Dockerfile builder, served by the registry.
// The image (a runtime or an app pushed by `kraft pkg`; "python:3.12" means
// official/python:3.12, as runtime names do) is read like a runtime (runtime_image.h); each of
// its initrd layers is downloaded and unpacked, in manifest order, into `rootfs_dir`
// (rootfs_unpack.h: later files win, nothing escapes the directory). EROFS initrds are refused.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "build/dockerfile_builder.h"

namespace kraft {

class RegistrySession;

class RegistryBaseImageSource : public build::BaseImageSource {
 public:
  explicit RegistryBaseImageSource(RegistrySession* session) : session_(session) {}
  // Fills Cmd, Env, WorkingDir and Labels of `config`.
  ukc::Status Extract(const std::string& reference, const std::filesystem::path& rootfs_dir,
                      build::ImageConfig* config) override;
  // The platform manifest's digest.
  ukc::Status Digest(const std::string& reference, std::string* digest) override;

 private:
  RegistrySession* session_;
};

}  // namespace kraft
