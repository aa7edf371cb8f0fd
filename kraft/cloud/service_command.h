// `kraft cloud service` (aliases services, svc; kraft-cli.md §2.8, §6.5):
//   create|new EXTERNAL:INTERNAL[/HANDLER]…  -n NAME, -d DOMAIN…, -c CERT…, -s SUBDOMAIN…,
//              -l SOFT, -L HARD, -o (table): POST /services, then GET /services [{uuid}] and
//              the services table. Ports as -p of `instance create` (port_flags.h); -s names
//              are sent without a trailing '.', -d names with one appended (kraft's bug: always),
//              -c by index of -d; soft > hard (both given) is refused.
//   list|ls    -o (table): GET /services, no body
//   get|gt     UUID|NAME… -o (list): GET /services [{uuid|name}…]
//   remove|delete|del|rm  UUID|NAME… | -a/--all; --wait-empty polls until the groups have no
//              instances: DELETE /services [{uuid|name}…], logging "removing N service group(s)"
// The table columns are service_print.h's.
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddServiceCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code);
// service_create.cc
void AddServiceCreateCommand(CLI::App& service, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
