// Bridge to the Dockerfile builder (kraft/build/): builds `dockerfile` into `rootfs_dir`, with
// `FROM <image>` read from the registry by RegistryBaseImageSource, and returns the image
// config's ENTRYPOINT+CMD and ENV.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

class RegistrySession;

struct DockerfileRootfs {
  std::vector<std::string> args;  // ENTRYPOINT + CMD
  std::vector<std::string> env;
  std::vector<std::string> warnings;
};

ukc::Status BuildDockerfileRootfs(const std::filesystem::path& dockerfile,
                                  const std::filesystem::path& context,
                                  const std::vector<std::string>& build_args,
                                  const std::string& target, RegistrySession* registry,
                                  const std::filesystem::path& rootfs_dir, DockerfileRootfs* out);

}  // namespace kraft
