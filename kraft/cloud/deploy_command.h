// `kraft cloud deploy|launch|run [FLAGS] [CONTEXT] [-- APP ARGS]` (kraft-cli.md §2.1, §6):
//   1. the deployer (deploy_target.h): an existing image, or a Kraftfile/Dockerfile project;
//   2. projects are built, packaged and pushed (deploy_package.h), then the image is awaited in
//      GET /images/list (--timeout, 60s);
//   3. POST /instances with the shared create flags (autostart unless -S/--no-start, replicas
//      through the API's `replicas`), then GET /instances/wait until each created instance runs
//      (bounded by --timeout; skipped with -S);
//   4. the fancy summary of the first instance (with -o: the instances table in that format;
//      with -f: the created instances' logs, followed).
// Progress goes to stderr (updating lines on a TTY, plain lines otherwise), so `-o json` keeps
// stdout pure JSON. Errors are logged (" E  …") and exit 1.
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddDeployCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
