#include "pkg/erofs.h"

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

constexpr char kFixedUuid[] = "00000000-0000-0000-0000-000000000000";

// Runs argv with stdout/stderr discarded; the exit status, or -1 when it could not run.
int Run(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

Status WriteErofsFromDirectory(const fs::path& dir, const fs::path& out) {
  fs::path temp = out;
  temp += ".tmp." + std::to_string(getpid());
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  int rc = Run({"mkfs.erofs", "--quiet", "--all-root", "-T0", std::string("-U") + kFixedUuid,
                temp.string(), dir.string()});
  if (rc == 127) {
    return Status::Unavailable("mkfs.erofs not found: install erofs-utils for --rootfs-type erofs");
  }
  if (rc != 0) {
    fs::remove(temp, ec);
    return Status::IoError("mkfs.erofs failed (exit " + std::to_string(rc) + ") for " +
                           dir.string());
  }
  fs::rename(temp, out, ec);
  if (ec) return Status::IoError("rename into " + out.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace kraft
