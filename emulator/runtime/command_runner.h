// CommandRunner: how the recipe runner starts external programs (fetch-kernel.sh, make,
// build-rootfs.sh, build-initrd.sh). An interface, as in Ninja, so the build and packing logic
// can be tested with a fake that records commands and writes the files a script would.
// ProcessRunner is the real one: fork/exec, stdout captured, stderr appended to a log file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace ukc::runtime {

struct Command {
  std::vector<std::string> argv;  // argv[0] is a path or looked up in PATH
  std::filesystem::path log;      // stderr is appended here (empty: inherited)
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs `command` to completion; `*out` gets its stdout. Error (with the log's last lines) when
  // it cannot start or exits non-zero.
  virtual Status Run(const Command& command, std::string* out) = 0;
};

class ProcessRunner : public CommandRunner {
 public:
  Status Run(const Command& command, std::string* out) override;
};

// Parses "key=value" lines (the scripts' stdout protocol); later keys win, other lines ignored.
std::vector<std::pair<std::string, std::string>> ParseKeyValues(const std::string& text);
// The value of `key` in `text`'s key=value lines, or empty.
std::string FindValue(const std::string& text, const std::string& key);

}  // namespace ukc::runtime
