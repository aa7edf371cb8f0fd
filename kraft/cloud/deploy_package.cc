#include "cloud/deploy_package.h"

#include <fstream>
#include <regex>

#include "cloud/deploy_name.h"

namespace kraft {
namespace {

// "<file>:<line>" of the Kraftfile's top-level `runtime:` key ("<file>" when not found).
std::string RuntimeLine(const std::filesystem::path& kraftfile) {
  std::ifstream in(kraftfile);
  static const std::regex kKey(R"(^(runtime)\s*:)");
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (std::regex_search(line, kKey)) return kraftfile.string() + ":" + std::to_string(number);
  }
  return kraftfile.string();
}

std::string PackageName(const DeployTarget& target, const DeployBuildFlags& flags) {
  for (const std::string* name : {&flags.image, &flags.name, &target.kraftfile_name}) {
    if (!name->empty()) return *name;
  }
  return target.workdir.filename().string();
}

}  // namespace

ukc::Status BuildAndPush(const DeployTarget& target, const DeployBuildFlags& flags,
                         const CloudConnection& conn, const PackageProgressFn& progress,
                         std::string* image, PackageResult* result) {
  DeployImageName name;
  if (ukc::Status s = DeployImageNameFor(PackageName(target, flags), conn.auth.creds.user,
                                         conn.registry, &name);
      !s.ok()) {
    return s;
  }
  PackageOptions options;
  options.workdir = target.workdir;
  options.kraftfile = flags.kraftfile;
  options.name = name.Tagged();
  options.runtime = flags.runtime;
  options.rootfs = flags.rootfs;
  options.rootfs_type = flags.rootfs_type;
  options.args = target.args;
  options.build_args = flags.build_args;
  options.build_target = flags.build_target;
  options.no_cache = flags.no_cache;
  options.push = true;
  options.registry = {conn.registry, conn.auth.account, conn.auth.creds.secret};
  options.progress = progress;
  ukc::Status s = PackageApp(options, result);
  if (s.kind() == ukc::Status::Kind::kNotFound && flags.runtime.empty() &&
      !target.kraftfile.empty() && s.message().find("runtime") != std::string::npos) {
    return ukc::Status::NotFound(RuntimeLine(target.kraftfile) + ": " + s.message());
  }
  if (!s.ok()) return s;
  *image = result->image.empty() ? name.repository + "@" + result->index_digest : result->image;
  return ukc::Status::Ok();
}

}  // namespace kraft
