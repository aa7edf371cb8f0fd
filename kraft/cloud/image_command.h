// `kraft cloud img` (alias `image`): `list|ls [--all] [-o FMT]` and
// `remove|rm|delete|del [--all] NAME…` (kraft-cli.md §2.7, §4.3, §5.4).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cloud/cloud_flags.h"
#include "output.h"

namespace kraft {

// Rows of `img list` from data.images: sorted by digest, untagged images skipped, official
// (non-namespaced) ones only with `all`; `table` gives NAME, VERSION, SIZE, other formats
// NAME, VERSION, APP ARGS, KERNEL ARGS, LABELS, SIZE.
Table ImageTable(const nlohmann::json& images, bool all, bool table_format);

void AddImageCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code);

}  // namespace kraft
