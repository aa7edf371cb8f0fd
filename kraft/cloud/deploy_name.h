// The name `kraft cloud deploy` pushes an app image under (kraft-cli.md §5.5, §6.2):
//   1. name = -i/--image, else -n/--name, else the Kraftfile's `name` (its directory's base name
//      when absent), else basename(workdir);
//   2. a leading "index.unikraft.io/", "unikraft.io/" or "<registry>/" is dropped; a first
//      segment before '/' names the namespace, else the token's user does;
//   3. the repository part is sanitised as the platform's names come out: lower case, '.'
//      dropped ("http-python3.12" → "http-python312"), any other character outside [a-z0-9_-]
//      becomes '-', leading/trailing '-'/'_' trimmed; an empty result is an error;
//   4. the tag is the one given (":v2"), else "latest".
#pragma once

#include <string>

#include "base/status.h"

namespace kraft {

struct DeployImageName {
  std::string user;        // "local"
  std::string repository;  // "local/http-python312"
  std::string tag;         // "latest"
  std::string Tagged() const { return repository + ":" + tag; }
};

std::string SanitizeImageName(const std::string& name);

// `name` is the first non-empty of step 1; `registry` the push registry host[:port].
ukc::Status DeployImageNameFor(const std::string& name, const std::string& token_user,
                               const std::string& registry, DeployImageName* out);

}  // namespace kraft
