// The flags of `kraft cloud scale add` turned into a policy, with kraftkit's checks and messages
// (kraftkit internal/cli/kraft/cloud/scale/add):
//  * -n/--name is required: "specify a policy name";
//  * -t/--type step (default) or on_demand, else `invalid policy type: "X"`;
//  * a step policy needs 1…4 -s/--step: "specify between 1 and 4 steps: got N";
//  * a step is LOWER:UPPER/ADJ, :UPPER/ADJ or LOWER:/ADJ (integers), else
//    `could not parse step: "X"`; LOWER ≥ UPPER fails "lower bound cannot be greater or equal
//    than upper bound: L >= U";
//  * steps are sorted by lower bound (the one without a lower bound first); only the first may
//    omit it ("lower bound cannot be empty in a step after the first step"), only the last the
//    upper bound ("upper bound cannot be empty in a step before the last step"), and each lower
//    bound must equal the previous upper bound ("steps are not contiguous: gap found between A
//    and B").
#pragma once

#include <string>
#include <vector>

#include "api/autoscale.h"
#include "base/status.h"

namespace kraft {

struct ScaleAddFlags {
  std::string name, metric = "cpu", adjustment = "change", type = "step";
  std::vector<std::string> steps;
};

ukc::Status ParseScaleStep(const std::string& text, ukc::api::AutoscaleStep* out);
ukc::Status BuildScalePolicy(const ScaleAddFlags& flags, ukc::api::AutoscalePolicy* out);

}  // namespace kraft
