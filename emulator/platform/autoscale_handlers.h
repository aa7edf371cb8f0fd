// The autoscale endpoints (ukc-api.md §8), internal to autoscale_handlers.cc (configurations,
// routing) and autoscale_policy_handlers.cc (policies). ApiService::RouteAutoscale dispatches:
//   POST   /v1/services/autoscale                  {uuid|name, …} or an array of them
//   GET    /v1/services/autoscale                  [{uuid|name}…], an object, ?uuid=&name=;
//                                                  no body: every configuration of the user
//   DELETE /v1/services/autoscale                  [{uuid|name}…] (reset)
//   GET|POST|DELETE /v1/services/{id}/autoscale    the same for one group (POST: one object)
//   POST   /v1/services/{id}/autoscale/policies    a policy object (or an array of them)
//   GET    /v1/services/{id}/autoscale/policies    no body: every policy; {name} / [{name}…]
//   DELETE /v1/services/{id}/autoscale/policies    {name} / [{name}…]
//   GET|DELETE /v1/services/{id}/autoscale/policies/{name}
// Configurations answer in `service_groups`, policies in `policies`. Per-item errors: 8 unknown
// service / instance / policy, 7 invalid values, 13/17 identity, 1 not emulated (`roms`),
// 23 policy name taken, 5 too many policies, 25 master attached to another group, 26 already
// configured, 27 not configured, 29 sizes out of range. Unknown fields or wrong types: 400.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/autoscale.h"
#include "platform/api_call.h"
#include "platform/autoscale_registry.h"
#include "platform/instance_controller.h"
#include "platform/instance_targets.h"
#include "platform/quota_limits.h"
#include "platform/service_registry.h"

namespace ukc::platform {

struct AutoscaleContext {
  ServiceRegistry* services;
  InstanceController* instances;
  AutoscaleRegistry* autoscale;
  QuotaLimits limits;
};

// The group a target names. A UUID-shaped name is also tried as a uuid (the G1 SDK sends every
// id as "name").
Status FindAutoscaleGroup(const AutoscaleContext& ctx, const std::string& user, const Target& t,
                          api::ServiceGroup* out);

void CreateAutoscale(ApiCall& call, const AutoscaleContext& ctx, const std::string& path_id);
void GetAutoscale(ApiCall& call, const AutoscaleContext& ctx, const std::string& path_id);
void DeleteAutoscale(ApiCall& call, const AutoscaleContext& ctx, const std::string& path_id);

void AddAutoscalePolicies(ApiCall& call, const AutoscaleContext& ctx, const std::string& group);
// `name` "" when the path names no policy.
void GetAutoscalePolicies(ApiCall& call, const AutoscaleContext& ctx, const std::string& group,
                          const std::string& name);
void DeleteAutoscalePolicies(ApiCall& call, const AutoscaleContext& ctx, const std::string& group,
                             const std::string& name);

}  // namespace ukc::platform
