#include "build/run_step.h"

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "build/fs_copy.h"
#include "build/safe_path.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool IsExecutableIn(const fs::path& rootfs, const std::string& path) {
  fs::path host;
  if (!ResolveInRoot(rootfs, path, /*follow_final=*/true, &host).ok()) return false;
  struct stat st;
  return stat(host.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

std::string EnvPath(const std::vector<std::string>& env) {
  for (const auto& kv : env) {
    if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
  }
  return kDefaultPath;
}

}  // namespace

std::vector<std::string> BwrapArgv(const RunSpec& spec) {
  std::vector<std::string> a = {"bwrap",     "--bind",        spec.rootfs.string(),
                                "/",         "--proc",        "/proc",
                                "--dev",     "/dev",          "--tmpfs",
                                "/tmp",      "--unshare-all", "--die-with-parent",
                                "--clearenv"};
  for (const auto& kv : spec.env) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    a.insert(a.end(), {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
  }
  if (spec.user && spec.user->first != 0) {
    a.insert(a.end(), {"--unshare-user", "--uid", std::to_string(spec.user->first), "--gid",
                       std::to_string(spec.user->second)});
  }
  a.insert(a.end(), {"--chdir", spec.workdir.empty() ? "/" : spec.workdir, "--"});
  a.insert(a.end(), spec.argv.begin(), spec.argv.end());
  return a;
}

Status CheckRunnable(const RunSpec& spec, bool shell_form) {
  if (spec.argv.empty()) return Status::InvalidArgument("RUN with an empty command");
  const std::string& exe = spec.argv[0];
  if (exe.find('/') != std::string::npos) {
    if (IsExecutableIn(spec.rootfs, exe)) return Status::Ok();
  } else {
    std::stringstream dirs(EnvPath(spec.env));
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (!dir.empty() && IsExecutableIn(spec.rootfs, dir + "/" + exe)) return Status::Ok();
    }
  }
  if (shell_form) {
    return Status::NotFound("RUN needs " + exe +
                            " in the stage's rootfs (FROM scratch has none; copy a shell in or "
                            "start FROM an image that has one)");
  }
  return Status::NotFound("RUN: executable \"" + exe + "\" not found in the stage's rootfs");
}

Status RunInSandbox(const RunSpec& spec, bool shell_form, CommandRunner* runner,
                    std::string* output) {
  Status s = CheckRunnable(spec, shell_form);
  if (!s.ok()) return s;
  if (dynamic_cast<ProcessRunner*>(runner) != nullptr && FindInPath("bwrap").empty()) {
    return Status::Unavailable(
        "RUN needs bubblewrap (bwrap) on the host: apt-get install bubblewrap");
  }
  s = MakeDirs(spec.rootfs, spec.workdir.empty() ? "/" : spec.workdir);
  if (!s.ok()) return s;
  std::vector<fs::path> created;
  for (const char* mount : {"proc", "dev", "tmp"}) {
    struct stat st;
    if (lstat((spec.rootfs / mount).c_str(), &st) != 0) created.push_back(spec.rootfs / mount);
  }
  s = runner->Run(BwrapArgv(spec), output);
  for (const auto& dir : created) rmdir(dir.c_str());  // only when bwrap left it empty
  return s;
}

}  // namespace kraft::build
