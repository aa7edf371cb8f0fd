// The POST /v1/instances body `kraft cloud instance create` sends (kraft-cli.md §2.2, §3,
// §6.3), built from its flags and the image GET /images/list returned:
//   image     normalised: ":latest" appended when there is no ':', then the prefixes
//             "index.unikraft.io/" and "official/" stripped
//   args      --entrypoint values, else [image.args] (one string, [""] when the image has none);
//             the app args after `--` appended
//   memory_mb -M (see memory_flag.h), else the image-size default when it exceeds 128
//   service_group.services from -p (port_flags.h); domains from -s (trailing '.' trimmed) or,
//             without -s, -d (a '.' always appended, kraft's HasSuffix bug) with -c by index
//             -g NAME|UUID: service_group {uuid|name} of an existing group (the caller swaps in
//             the uuid GET /services finds); not combinable with -p, -d, -c or -s
//   scale_to_zero  only the options given; with no -p (and no -g) the platform default is kept and
//   kraft
//             logs "no ports or service specified, disabling scale to zero"
//   autostart (--start) and restart_policy always; name ('/' → '-'), replicas, vcpus, env,
//   features (de-duplicated) and volumes (VOL:/path[:ro], uuid or name) when given.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/image.h"
#include "base/status.h"
#include "config.h"

namespace kraft {

struct CreateFlags {
  std::vector<std::string> certificates, env, features, domains, entrypoint, ports, subdomains,
      volumes;
  std::string memory, name, output = "list", restart = "never";
  std::string service;  // -g/--service: an existing service group (uuid or name)
  int replicas = 0, vcpus = 0;
  bool start = false, wait_for_image = false;
  std::string wait_for_image_timeout = "60s";
  std::optional<std::string> scale_to_zero;           // on | off | idle, when given
  std::optional<std::string> scale_to_zero_cooldown;  // Go duration, when given
  bool scale_to_zero_stateful = false;
};

std::string NormalizeImageName(std::string image);

struct CreateRequestResult {
  nlohmann::json body;
  bool scale_to_zero_disabled = false;  // no -p: kraft logs that it disables scale to zero
};

// Checks the flags (kraft's messages) and builds the request body for `image_name` (already
// normalised) described by `image`. `env` resolves `-e KEY`.
ukc::Status BuildCreateRequest(const CreateFlags& flags, const std::string& image_name,
                               const ukc::api::Image& image,
                               const std::vector<std::string>& app_args, const EnvLookup& env,
                               CreateRequestResult* out);

}  // namespace kraft
