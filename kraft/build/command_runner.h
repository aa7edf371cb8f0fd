// CommandRunner: how the Dockerfile builder starts programs (bwrap for RUN). An interface so the
// builder can be tested with a fake; ProcessRunner is the real one (fork/exec, stdout and stderr
// captured together, no stdin).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace kraft::build {

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs argv (argv[0] looked up in PATH) to completion; `*output` gets stdout+stderr.
  // Error when it cannot start or exits non-zero (the message gives the exit code).
  virtual ukc::Status Run(const std::vector<std::string>& argv, std::string* output) = 0;
};

class ProcessRunner : public CommandRunner {
 public:
  ukc::Status Run(const std::vector<std::string>& argv, std::string* output) override;
};

// The absolute path of `name` in the host's PATH, or "" when not found.
std::string FindInPath(const std::string& name);

}  // namespace kraft::build
