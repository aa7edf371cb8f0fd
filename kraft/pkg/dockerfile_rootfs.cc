#include "pkg/dockerfile_rootfs.h"

#include "build/dockerfile_builder.h"
#include "pkg/registry_base_image.h"

namespace kraft {

namespace fs = std::filesystem;

// The builder works (and caches) in <outdir>/dockerfile next to `rootfs_dir`; its result is
// copied into `rootfs_dir` (symlinks as links), which the caller packs and removes.
ukc::Status BuildDockerfileRootfs(const fs::path& dockerfile, const fs::path& context,
                                  const std::vector<std::string>& build_args,
                                  const std::string& target, RegistrySession* registry,
                                  const fs::path& rootfs_dir, DockerfileRootfs* out) {
  RegistryBaseImageSource images(registry);
  build::DockerfileBuildOptions options;
  options.context_dir = context;
  options.dockerfile = dockerfile;
  for (const std::string& arg : build_args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      options.build_args[arg] = "";
    } else {
      options.build_args[arg.substr(0, eq)] = arg.substr(eq + 1);
    }
  }
  options.target = target;
  options.work_dir = rootfs_dir.parent_path() / "dockerfile";
  options.images = &images;
  options.log = [out](const std::string& line) { out->warnings.push_back(line); };
  build::BuildResult built;
  if (ukc::Status s = build::BuildDockerfile(options, &built); !s.ok()) return s;
  std::error_code ec;
  fs::copy(built.rootfs_dir, rootfs_dir,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks |
               fs::copy_options::overwrite_existing,
           ec);
  if (ec) return ukc::Status::IoError("copy " + built.rootfs_dir.string() + ": " + ec.message());
  out->args = built.config.entrypoint;
  out->args.insert(out->args.end(), built.config.cmd.begin(), built.config.cmd.end());
  out->env = built.config.env;
  return ukc::Status::Ok();
}

}  // namespace kraft
