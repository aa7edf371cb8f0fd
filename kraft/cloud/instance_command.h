// `kraft cloud instance` (aliases inst, instances, vm, vms; kraft-cli.md §2): registers
// create|new, list|ls, get|status|info, logs|log, start|str, stop|st, remove|del|delete|rm.
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddInstanceCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
