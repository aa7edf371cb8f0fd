#include "cloud/deploy_target.h"

#include <system_error>

#include "kraftfile/kraftfile.h"

namespace kraft {
namespace {

namespace fs = std::filesystem;

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_directory(path, ec);
}

// Worth asking the platform about: not a path, a flag or an app argument with spaces.
bool LooksLikeImage(const std::string& arg) {
  return !arg.empty() && arg[0] != '/' && arg[0] != '.' && arg[0] != '-' &&
         arg.find_first_of(" \t=") == std::string::npos;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

struct Project {
  bool found = false;
  Kraftfile kraftfile;
};

ukc::Status LoadProject(const fs::path& workdir, const std::string& explicit_path, Project* out) {
  ukc::Status s = LoadKraftfile(workdir, explicit_path, &out->kraftfile);
  if (s.ok()) {
    out->found = true;
    return s;
  }
  if (s.kind() == ukc::Status::Kind::kNotFound && explicit_path.empty()) return ukc::Status::Ok();
  return s;
}

// The capable deployers in kraft's order, and why the others are not.
void Capable(const DeployInput& in, const std::vector<std::string>& args, const Project& project,
             const fs::path& workdir, const ImageListed& listed, std::vector<Deployer>* capable,
             std::vector<std::string>* reasons) {
  auto allowed = [&](Deployer d) { return in.as.empty() || in.as == DeployerName(d); };
  const Kraftfile& kf = project.kraftfile;
  if (allowed(Deployer::kImageName)) {
    if (args.empty()) {
      reasons->push_back("image-name: cannot run without providing an image name");
    } else if (LooksLikeImage(args[0]) && listed(args[0])) {
      capable->push_back(Deployer::kImageName);
    } else {
      reasons->push_back("image-name: no image with name: " + args[0]);
    }
  }
  bool unikraft = project.found && kf.has_unikraft;
  bool has_runtime = project.found && !unikraft && (!kf.runtime.empty() || !in.runtime.empty());
  if (allowed(Deployer::kKraftfileRuntime)) {
    if (has_runtime) {
      capable->push_back(Deployer::kKraftfileRuntime);
    } else if (unikraft) {
      reasons->push_back("kraftfile-unikraft: building Unikraft from source is not supported");
    } else {
      reasons->push_back(project.found
                             ? "kraftfile-runtime: " + kf.path.string() + " has no runtime"
                             : "kraftfile-runtime: no Kraftfile in " + workdir.string());
    }
  }
  if (allowed(Deployer::kRootfs)) {
    std::error_code ec;
    bool rootfs = !in.rootfs.empty() || fs::exists(workdir / "Dockerfile", ec);
    if (rootfs && !has_runtime && !unikraft) {
      capable->push_back(Deployer::kRootfs);
    } else if (!rootfs) {
      reasons->push_back("rootfs: no --rootfs and no Dockerfile in " + workdir.string());
    }
  }
}

}  // namespace

const char* DeployerName(Deployer deployer) {
  switch (deployer) {
    case Deployer::kImageName:
      return "image-name";
    case Deployer::kKraftfileRuntime:
      return "kraftfile-runtime";
    case Deployer::kRootfs:
      return "rootfs";
  }
  return "";
}

ukc::Status ChooseDeployer(const DeployInput& in, const ImageListed& listed, DeployTarget* out) {
  std::vector<std::string> args = in.args;
  fs::path workdir = in.workdir.empty() ? fs::current_path() : fs::path(in.workdir);
  if (!args.empty() && IsDirectory(args[0])) {
    workdir = args[0];
    args.erase(args.begin());
  }
  if (!IsDirectory(workdir.string())) {
    return ukc::Status::InvalidArgument("working directory " + workdir.string() + " not found");
  }
  out->workdir = fs::absolute(workdir).lexically_normal();
  if (out->workdir.filename().empty()) out->workdir = out->workdir.parent_path();
  Project project;
  if (ukc::Status s = LoadProject(out->workdir, in.kraftfile, &project); !s.ok()) return s;
  if (project.found) {
    out->kraftfile = project.kraftfile.path;
    out->kraftfile_name = project.kraftfile.name;
  }
  std::vector<Deployer> capable;
  std::vector<std::string> reasons;
  Capable(in, args, project, out->workdir, listed, &capable, &reasons);
  bool image_flag = capable.empty() && args.empty() && !in.image.empty() &&
                    (in.as.empty() || in.as == "image-name") && listed(in.image);
  if (image_flag) {
    out->deployer = Deployer::kImageName;
    out->image = in.image;
    return ukc::Status::Ok();
  }
  if (capable.empty()) {
    return ukc::Status::InvalidArgument("could not determine how to run provided input: " +
                                        Join(reasons, "; "));
  }
  if (capable.size() > 1) {
    std::vector<std::string> names;
    for (Deployer d : capable) names.push_back(DeployerName(d));
    return ukc::Status::InvalidArgument("multiple contexts discovered: " + Join(names, ", ") +
                                        " (choose one with --as)");
  }
  out->deployer = capable[0];
  if (out->deployer == Deployer::kImageName) {
    out->image = args[0];
    args.erase(args.begin());
  }
  out->args = args;
  return ukc::Status::Ok();
}

}  // namespace kraft
