// Starting the QEMU child: its own process group (a terminal's Ctrl-C reaches only us, and the
// whole group can be killed), PR_SET_PDEATHSIG=SIGKILL so it dies with the thread that spawned
// it (QemuVmm spawns from the instance's monitor thread, which outlives the child), stdout and
// stderr to a log file, signal mask and dispositions reset. Exec failures are reported.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace ukc::vmm {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::filesystem::path cwd;
  std::filesystem::path output;  // stdout + stderr (appended); empty: /dev/null
};

// NotFound when the binary cannot be executed (ENOENT), IoError for other failures.
Status Spawn(const SpawnOptions& options, pid_t* pid);

}  // namespace ukc::vmm
