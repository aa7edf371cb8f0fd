// `kraft cloud scale` (aliases autoscale, scl; kraft-cli.md §2.10, kraftkit's scale/*): a
// service group is named by UUID or name (a name is looked up with GET /services first).
//   initialize|init|initialise|i NAME|UUID  -i/--master, -m/--min-size, -M/--max-size (10),
//        -w/--warmup-time (1s), -c/--cooldown-time (1s): POST /services/autoscale
//        {uuid, min_size?, max_size?, warmup_time_ms, cooldown_time_ms, master:{uuid|name}}.
//        Without --master: the group's only instance, else "specify an instance master UUID or
//        name via --master". Times below 1ms fail ("warmup time must be at least 1ms").
//   add|a UUID|NAME  -n/--name, -t/--type (step), -m/--metric (cpu), -a/--adjustment (change),
//        -s/--step LOWER:UPPER/ADJ…: POST /services/<uuid>/autoscale/policies (scale_flags.h)
//   get|gt UUID|NAME  -o (list): GET /services/autoscale [{uuid|name}] → scale_print.h's row;
//        -p/--policy NAME: GET /services/<uuid>/autoscale/policies/NAME → the policy (json/yaml)
//   remove|delete|del|rm UUID NAME: DELETE /services/<uuid>/autoscale/policies/NAME (UUID only:
//        "specify a valid service group UUID")
//   reset|rs|delconfig|deinit|rmconfig UUID|NAME: DELETE /services/autoscale [{uuid|name}]
// Nothing is printed on success except by get; errors as kraftkit words them ("could not create
// configuration: …", "could not add configuration: …", "could not get configuration: …",
// "could not delete policy: …", "could not reset configuration: …").
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/cloud_flags.h"

namespace kraft {

void AddScaleCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
