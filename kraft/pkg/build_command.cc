// `kraft build [DIR]` (kraft-cli.md §10.1): the kraftfile-runtime builder — the runtime is
// resolved in the registry and the rootfs is built into <outdir>/initramfs-x86_64.cpio; the
// summary lists the runtime and the initramfs with its size.
#include <iostream>
#include <memory>

#include "cloud/cloud_flags.h"
#include "humanize.h"
#include "log.h"
#include "pkg/package_app.h"
#include "pkg/pkg_command.h"

namespace kraft {
namespace {

struct BuildFlags {
  PackageOptions options;
  CloudFlags cloud;
  std::string plat, arch, target, dir;
};

int RunBuild(BuildFlags& f) {
  if (!f.dir.empty()) f.options.workdir = f.dir;
  CloudConnection conn;
  if (Connect(f.cloud, false, &conn).ok()) {
    f.options.registry = {conn.registry, conn.auth.account, conn.auth.creds.secret};
  } else {
    const char* env = std::getenv("UKC_REGISTRY");
    f.options.registry.registry = f.cloud.registry.empty() ? (env ? env : "") : f.cloud.registry;
  }
  f.options.progress = StderrProgress();
  PackageResult r;
  if (ukc::Status s = BuildApp(f.options, &r); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  std::cout << "Build completed successfully!\n │\n";
  if (r.rootfs_file.empty()) {
    std::cout << " └──── runtime: " << r.runtime << "\n";
    return 0;
  }
  std::cout << " ├──── runtime: " << r.runtime << "\n"
            << " └── initramfs: " << r.rootfs_file.string() << " (" << HumanBytes(r.rootfs_size)
            << (r.rootfs_reused ? ", unchanged" : "") << ")\n";
  return 0;
}

}  // namespace

void AddBuildCommand(CLI::App& app, int* exit_code) {
  CLI::App* build = app.add_subcommand("build", "Configure and build Unikraft unikernels");
  build->alias("bld");
  auto f = std::make_shared<BuildFlags>();
  PackageOptions& o = f->options;
  build->add_option("-K,--kraftfile", o.kraftfile, "Set an alternative path of the Kraftfile");
  build->add_option("--rootfs", o.rootfs, "Specify a path to use as root filesystem");
  build->add_option("--rootfs-type", o.rootfs_type, "Root filesystem type (cpio, erofs)");
  build->add_option("-r,--runtime", o.runtime, "Set an alternative project runtime");
  build->add_option("--build-arg", o.build_args, "Dockerfile build arguments (K=V)");
  build->add_option("--build-target", o.build_target, "Dockerfile target stage");
  build->add_flag("-F,--no-cache", o.no_cache,
                  "Force a rebuild even if existing intermediate artifacts already exist");
  build->add_option("-t,--target", f->target, "Build a particular known target");
  build->add_option("-p,--plat", f->plat, "Filter the creation of the build by platform");
  build->add_option("-m,--arch", f->arch, "Filter the creation of the build by architecture");
  build->add_option("-w,--workdir", o.workdir, "Set an alternative working directory");
  build->add_option("--registry", f->cloud.registry, "OCI registry (default $UKC_REGISTRY)");
  build->add_option("--token", f->cloud.token, "Unikraft Cloud access token (default $UKC_TOKEN)");
  build->add_option("dir", f->dir, "Project directory");
  build->callback([=] { *exit_code = RunBuild(*f); });
}

}  // namespace kraft
