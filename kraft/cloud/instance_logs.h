// `kraft cloud instance logs|log [-f] [-n N] [--no-prefix] UUID|NAME…` (kraft-cli.md §2.5):
// prints each instance's console (log_tail.h), the last N lines with --tail; with several
// instances each line reads "<arg padded to the longest> | <line>" unless --no-prefix.
// -f/--follow polls every 500 ms until the instance is stopped or on standby; a stopped
// instance ends with kraft's block
//
//   The instance has exited (<stop reason>).
//
//   To see more details about why, run:
//
//   	kraft cloud instance get <name>
//
// Errors (e.g. "No instance with name 'x' (code=8)") are logged and exit 1.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "api_client.h"
#include "cloud/cloud_flags.h"

namespace kraft {

struct LogsFlags {
  bool follow = false, no_prefix = false;
  int tail = -1;  // -1: every line
};
// The command's body once connected (also `deploy -f`); returns the exit code.
int PrintInstanceLogs(ApiClient& api, const std::vector<std::string>& ids, const LogsFlags& f);

void AddInstanceLogsCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
