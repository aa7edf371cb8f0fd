#include "runtime/command_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ukc::runtime {
namespace {

std::string LogTail(const std::filesystem::path& log, size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string tail;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    tail += "\n  " + all[i];
  }
  return tail;
}

[[noreturn]] void ExecChild(const Command& command, int out_fd) {
  ::dup2(out_fd, 1);
  if (!command.log.empty()) {
    int err = ::open(command.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err >= 0) ::dup2(err, 2);
  }
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, 0);
  std::vector<char*> argv;
  for (const auto& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  dprintf(2, "cannot run %s: %s\n", argv[0], std::strerror(errno));
  _exit(127);
}

}  // namespace

Status ProcessRunner::Run(const Command& command, std::string* out) {
  if (command.argv.empty()) return Status::InvalidArgument("empty command");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return Status::IoError("pipe: " + std::string(std::strerror(errno)));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return Status::IoError("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) ExecChild(command, pipe_fds[1]);
  ::close(pipe_fds[1]);
  out->clear();
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  std::string how = WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  std::string message = command.argv[0] + " failed (" + how + ")";
  if (!command.log.empty())
    message += ", log " + command.log.string() + ":" + LogTail(command.log, 15);
  return Status::Internal(message);
}

std::vector<std::pair<std::string, std::string>> ParseKeyValues(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> values;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    values.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return values;
}

std::string FindValue(const std::string& text, const std::string& key) {
  std::string value;
  for (const auto& [k, v] : ParseKeyValues(text)) {
    if (k == key) value = v;
  }
  return value;
}

}  // namespace ukc::runtime
