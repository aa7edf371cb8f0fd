#include "pkg/pkg_command.h"

#include <iostream>
#include <memory>

#include "cloud/cloud_flags.h"
#include "log.h"
#include "pkg/package_app.h"
#include "pkg/pkg_list.h"

namespace kraft {
namespace {

struct PkgFlags {
  PackageOptions options;
  std::vector<std::string> labels;  // K=V
  std::string plat, arch, target, strategy = "overwrite", format = "oci";
  CloudFlags cloud;
  std::string dir;  // positional
  bool ignored = false;
};

// Token and registry; without a token, anonymous (enough for a registry that allows pulls).
RegistryAccess Access(const CloudFlags& flags) {
  CloudConnection conn;
  RegistryAccess access;
  if (Connect(flags, false, &conn).ok()) {
    access = {conn.registry, conn.auth.account, conn.auth.creds.secret};
  } else {
    const char* env = std::getenv("UKC_REGISTRY");
    access.registry = flags.registry.empty() ? (env ? env : "index.unikraft.io") : flags.registry;
  }
  return access;
}

ukc::Status CheckTarget(const PkgFlags& f) {
  if (!f.target.empty() && (!f.plat.empty() || !f.arch.empty())) {
    return ukc::Status::InvalidArgument(
        "the `--arch` and `--plat` options are not supported in "
        "addition to `--target`");
  }
  std::string plat = f.plat, arch = f.arch;
  if (auto slash = f.target.find('/'); slash != std::string::npos) {
    plat = f.target.substr(0, slash);
    arch = f.target.substr(slash + 1);
  }
  if (!plat.empty() && plat != "kraftcloud" && plat != "fc" && plat != "firecracker") {
    return ukc::Status::InvalidArgument("unsupported platform '" + plat + "': kraftcloud only");
  }
  if (!arch.empty() && arch != "x86_64" && arch != "amd64") {
    return ukc::Status::InvalidArgument("unsupported architecture '" + arch + "': x86_64 only");
  }
  if (f.strategy != "overwrite" && f.strategy != "merge") {
    return ukc::Status::InvalidArgument("unsupported --strategy '" + f.strategy + "'");
  }
  if (f.format != "oci" && f.format != "auto") {
    return ukc::Status::InvalidArgument("unsupported package format '" + f.format + "'");
  }
  return ukc::Status::Ok();
}

std::string PushStats(const PackageResult& r) {
  return " (" + std::to_string(r.blobs_uploaded) + " blobs uploaded, " +
         std::to_string(r.blobs_mounted) + " mounted, " + std::to_string(r.blobs_present) +
         " already present)";
}

int RunPkg(PkgFlags& f) {
  if (f.options.name.empty()) {
    LogError("cannot package without setting --name");
    return 1;
  }
  if (ukc::Status s = CheckTarget(f); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  if (!f.dir.empty()) f.options.workdir = f.dir;
  for (const std::string& kv : f.labels) {
    auto eq = kv.find('=');
    f.options.labels[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  f.options.registry = Access(f.cloud);
  f.options.progress = StderrProgress();
  PackageResult result;
  if (ukc::Status s = PackageApp(f.options, &result); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  LogInfo(std::string(f.options.push ? "pushed " : "packaged ") + result.reference +
          (f.options.push ? PushStats(result) : ""));
  std::cout << result.image << "\n";
  return 0;
}

int RunPush(const std::string& name, const CloudFlags& cloud) {
  PackageResult result;
  ukc::Status s = PushStoredPackage(name, Access(cloud), "", StderrProgress(), &result);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  LogInfo("pushed " + result.reference + PushStats(result));
  std::cout << result.image << "\n";
  return 0;
}

void AddPkgFlags(CLI::App* pkg, PkgFlags& f) {
  PackageOptions& o = f.options;
  pkg->add_option("-n,--name", o.name, "Specify the name of the package");
  pkg->add_flag("-P,--push", o.push, "Push the package on if successfully packaged");
  pkg->add_option("--rootfs", o.rootfs, "Specify a path to use as root filesystem");
  pkg->add_option("--rootfs-type", o.rootfs_type, "Root filesystem type (cpio, erofs)");
  pkg->add_option("-r,--runtime", o.runtime, "Set an alternative project runtime");
  pkg->add_option("-K,--kraftfile", o.kraftfile, "Set an alternative path of the Kraftfile");
  pkg->add_option("-e,--env", o.env, "Set environment variables to be built into the package");
  pkg->add_option("-l,--label", f.labels, "Set labels to be built into the package");
  pkg->add_option("-a,--args", o.args,
                  "Pass arguments that will be part of the running kernel's command line");
  pkg->add_option("-p,--plat", f.plat, "Filter the creation of the package by platform");
  pkg->add_option("-m,--arch", f.arch, "Filter the creation of the package by architecture");
  pkg->add_option("-t,--target", f.target, "Package a particular known target");
  pkg->add_option("-w,--workdir", o.workdir, "Set an alternative working directory");
  pkg->add_option("--strategy", f.strategy, "Strategy when merging with an existing package");
  pkg->add_option("-M,--as", f.format, "Force the packager to output a specific format (oci)");
  pkg->add_option("--build-arg", o.build_args, "Dockerfile build arguments (K=V)");
  pkg->add_option("--build-target", o.build_target, "Dockerfile target stage");
  pkg->add_flag("-F,--no-cache", o.no_cache, "Rebuild the rootfs even if unchanged");
  pkg->add_flag("--no-pull", f.ignored, "Do not pull package dependencies (always the case)");
  pkg->add_flag("--no-kconfig", f.ignored, "Do not include target .config as metadata");
  pkg->add_option("--registry", f.cloud.registry, "OCI registry (default $UKC_REGISTRY)");
  pkg->add_option("--token", f.cloud.token, "Unikraft Cloud access token (default $UKC_TOKEN)");
  pkg->add_option("dir", f.dir, "Project directory");
}

}  // namespace

void AddPkgCommand(CLI::App& app, int* exit_code) {
  CLI::App* pkg = app.add_subcommand(
      "pkg", "Package and distribute Unikraft unikernels and their dependencies");
  pkg->alias("package");
  auto f = std::make_shared<PkgFlags>();
  AddPkgFlags(pkg, *f);
  pkg->callback([=] {
    if (pkg->get_subcommands().empty()) *exit_code = RunPkg(*f);
  });

  CLI::App* ls = pkg->add_subcommand("ls", "List installed Unikraft component packages");
  ls->alias("list");
  auto all = std::make_shared<bool>(false);
  ls->add_flag("-a,--all", *all, "Show everything");
  ls->callback([=] { *exit_code = ListPackages(*all, std::cout); });

  CLI::App* push = pkg->add_subcommand("push", "Push a package");
  auto name = std::make_shared<std::string>();
  push->add_option("package", *name, "Package name")->required();
  push->add_option("-M,--as", f->format, "Force the packager to use a specific format");
  push->add_option("-K,--kraftfile", f->options.kraftfile, "Set the Kraftfile path");
  push->callback([=] { *exit_code = RunPush(*name, f->cloud); });
}

}  // namespace kraft
