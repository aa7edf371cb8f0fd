// The flags `kraft cloud instance create` and `kraft cloud deploy` share (kraft-cli.md §2.1,
// §2.2), registered on either command: -d -e --entrypoint -p -s -v (comma-split slices), -M, -n,
// -g, -o, -R, --restart, --scale-to-zero, --scale-to-zero-cooldown, --scale-to-zero-stateful, -V.
// The two spell some differently: the certificate is -c on create and -C on deploy, features are
// -f/--feature on create and --feature on deploy (where -f is --follow).
#pragma once

#include <CLI/CLI.hpp>

#include "cloud/instance_create_request.h"

namespace kraft {

struct SharedFlagNames {
  const char* certificate;  // "-c,--certificate" | "-C,--certificate"
  const char* feature;      // "-f,--feature" | "--feature"
};
void AddSharedCreateFlags(CLI::App& cmd, const SharedFlagNames& names, CreateFlags* f);

}  // namespace kraft
