// How kraft prints autoscale configurations and policies (kraftkit's
// PrintAutoscaleConfiguration and `scale get --policy`):
//  * a configuration is one row: UUID (not in `table`), NAME, ENABLED, then MIN SIZE, MAX SIZE,
//    WARMUP (MS), COOLDOWN (MS), MASTER only when the configuration has them (enabled), and
//    POLICIES = the policy names joined by ";";
//  * a policy is the API item itself: compact JSON with sorted keys for `-o json`, yaml.v2's
//    block style (sorted keys, lists as "- ") for every other format.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/autoscale.h"
#include "output.h"

namespace kraft {

Table ScaleConfigTable(const ukc::api::AutoscaleConfig& config, bool table_format);
std::string PolicyText(const nlohmann::json& policy, const std::string& format);

}  // namespace kraft
