// The build deployers' first half (kraft-cli.md §6.2): PackageApp (kraft/pkg/package_app.h)
// builds the rootfs, packs it onto the runtime's layers and pushes
// <registry>/<user>/<name>:<tag> (deploy_name.h) with the token's credentials. The trailing
// app args replace the Kraftfile's cmd. A runtime that does not exist is reported against the
// Kraftfile line that names it ("<Kraftfile>:3: runtime "python:9.9": runtime … not found")
// when the runtime came from the Kraftfile.
#pragma once

#include <string>

#include "base/status.h"
#include "cloud/cloud_flags.h"
#include "cloud/deploy_target.h"
#include "pkg/package_app.h"

namespace kraft {

struct DeployBuildFlags {
  std::string image, name;  // -i, -n (the image name, deploy_name.h)
  std::string kraftfile, runtime, rootfs, rootfs_type, build_target;
  std::vector<std::string> build_args;
  bool no_cache = false;
};

// On success `*image` is "<user>/<name>@sha256:<index digest>", what the instance is created
// from.
ukc::Status BuildAndPush(const DeployTarget& target, const DeployBuildFlags& flags,
                         const CloudConnection& conn, const PackageProgressFn& progress,
                         std::string* image, PackageResult* result);

}  // namespace kraft
