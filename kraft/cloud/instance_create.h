// `kraft cloud instance create|new [FLAGS] IMAGE [-- ARGS]` (kraft-cli.md §2.2, §6.3):
//   1. GET /images/list [{"tag"|"digest": IMAGE}] once ("no image with name: IMAGE" when
//      empty), or with -w/--wait-for-image until it appears (--wait-for-image-timeout, 60s)
//   2. POST /instances (instance_create_request.h), first created instance
//   3. GET /instances [{"uuid"}] of that instance, and GET /services [{"uuid"}] of its service
//      group when it has one (the domains of the summary)
//   4. prints the fancy summary (instance_print.h) unless -o is table or json (then the
//      instances table), and when --start was asked for but the instance is not running, logs
//      where to look ("kraft cloud instance logs <name>").
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddInstanceCreateCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
