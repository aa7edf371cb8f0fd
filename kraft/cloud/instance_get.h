// The read commands of `kraft cloud instance` (kraft-cli.md §2.3, §2.4, §4.2, §6.5):
//   list|ls [-o FMT]                        GET /instances (no body), default `table`
//   get|status|info [-o FMT] UUID|NAME…     GET /instances [{uuid|name}…], default `list`
// Per-item failures (e.g. "No instance with name 'x' (code=8)") fail the command as kraft's
// AllOrErr does; `-o raw` prints the response body as it came.
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddInstanceListCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);
void AddInstanceGetCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
