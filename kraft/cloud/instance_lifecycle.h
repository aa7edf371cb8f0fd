// `kraft cloud instance start|stop|remove` (kraft-cli.md §2.6, §6.5):
//   start|str UUID|NAME… [-a] [-w DUR]   PUT /instances/start [{uuid|name, wait_timeout_ms?}]
//                                        (-a: every listed instance; cobra still wants ≥1 arg)
//   stop|st [UUID|NAME…] [-a] [-f] [-w DUR] [-d DUR]
//                                        PUT /instances/stop [{…, force, drain_timeout_ms?}]
//                                        (-d is the deprecated alias of -w; both is an error)
//   remove|del|delete|rm [UUID|NAME…] [-a | -s]
//                                        DELETE /instances [{uuid|name}…]; -s keeps the stopped
// -a/-s list with GET /instances first. Each logs " i  <verb> N instance(s)"; failures, per
// item included, fail the command with "<verb> N instance(s): <API error>".
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddInstanceStartCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);
void AddInstanceStopCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);
void AddInstanceRemoveCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
