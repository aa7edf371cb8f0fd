#include "build/command_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace kraft::build {

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

ukc::Status ProcessRunner::Run(const std::vector<std::string>& argv, std::string* output) {
  if (argv.empty()) return ukc::Status::InvalidArgument("empty command");
  std::string program = FindInPath(argv[0]);
  if (program.empty()) return ukc::Status::NotFound(argv[0] + ": not found in PATH");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return ukc::Status::IoError(std::string("pipe: ") + strerror(errno));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return ukc::Status::IoError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    execv(program.c_str(), args.data());
    _exit(127);
  }
  close(fds[1]);
  output->clear();
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) output->append(buf, n);
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ukc::Status::Ok();
  if (WIFSIGNALED(status)) {
    return ukc::Status::Internal(argv[0] + " killed by signal " + std::to_string(WTERMSIG(status)));
  }
  return ukc::Status::Internal(argv[0] + " exited with code " +
                               std::to_string(WEXITSTATUS(status)));
}

}  // namespace kraft::build
