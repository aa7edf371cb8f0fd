// Instance defaults an image carries in its config labels (image-format.md §1.10, kraft-cli.md
// §8.4): cloud.unikraft.v1.instances/scale_to_zero.{policy,stateful,cooldown_time_ms} fill the
// scale-to-zero fields a create request left unset (`request_keys`: the ones it carried).
#pragma once

#include <map>
#include <set>
#include <string>

#include "api/instance.h"
#include "base/status.h"

namespace ukc::platform {

inline constexpr char kScaleToZeroLabelPrefix[] = "cloud.unikraft.v1.instances/scale_to_zero.";

// InvalidArgument (naming the label) for a value that is not a policy, a boolean or a cooldown
// in 0…86400000 ms; then `out` is unchanged. `*policy_from_label` says the policy came from a
// label.
Status ApplyScaleToZeroLabels(const std::map<std::string, std::string>& labels,
                              const std::set<std::string>& request_keys, api::ScaleToZero* out,
                              bool* policy_from_label);

}  // namespace ukc::platform
