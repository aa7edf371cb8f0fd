#include "vmm/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ukc::vmm {
namespace {

// Runs in the forked child: only async-signal-safe calls.
[[noreturn]] void ExecChild(char* const* argv, const char* cwd, const char* output, int err_fd,
                            pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // parent already gone
  setpgid(0, 0);
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  int out = open(output, O_WRONLY | O_CREAT | O_APPEND, 0644);
  int null = open("/dev/null", O_RDONLY);
  if (out < 0 || null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
      (cwd[0] != '\0' && chdir(cwd) != 0)) {
    int e = errno;
    (void)!write(err_fd, &e, sizeof(e));
    _exit(127);
  }
  execvp(argv[0], argv);
  int e = errno;
  (void)!write(err_fd, &e, sizeof(e));
  _exit(127);
}

}  // namespace

Status Spawn(const SpawnOptions& options, pid_t* pid) {
  if (options.argv.empty()) return Status::InvalidArgument("empty argv");
  std::vector<char*> argv;
  for (const auto& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string cwd = options.cwd.string();
  std::string output = options.output.empty() ? "/dev/null" : options.output.string();
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    return Status::IoError("pipe: " + std::string(strerror(errno)));
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return Status::IoError("fork: " + std::string(strerror(errno)));
  }
  if (child == 0) ExecChild(argv.data(), cwd.c_str(), output.c_str(), pipe_fds[1], parent);
  close(pipe_fds[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(pipe_fds[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  close(pipe_fds[0]);
  if (n == sizeof(child_errno)) {  // exec failed: reap the child, report
    waitpid(child, nullptr, 0);
    std::string what = options.argv[0] + ": " + strerror(child_errno);
    if (child_errno == ENOENT) return Status::NotFound("cannot run " + what);
    return Status::IoError("cannot run " + what);
  }
  *pid = child;
  return Status::Ok();
}

}  // namespace ukc::vmm
