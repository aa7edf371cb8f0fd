// `kraft cloud quotas` (aliases `q`, `quota`): GET /users/quotas, `-o` default `list`
// (kraft-cli.md §2.10). Columns follow kraftkit's quota printer: instances use hard.instances as
// the denominator for live and total; the volume columns only when limits.max_volume_mb > 0; the
// autoscale column only when limits.max_autoscale_size > 1.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cloud/cloud_flags.h"
#include "output.h"

namespace kraft {

Table QuotasTable(const nlohmann::json& quotas);
void AddQuotasCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
