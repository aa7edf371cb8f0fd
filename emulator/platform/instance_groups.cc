// The instances controller's side of service groups (ukc-api.md §4.2, §7.5): an instance create
// attaches its instances to an existing group ({uuid}|{name}) or to a new ephemeral group it
// creates ({services, domains, soft_limit, hard_limit}); removing an instance detaches it (the
// registry deletes an ephemeral group with its last instance).
#include "platform/instance_controller.h"

namespace ukc::platform {

Status InstanceController::PlanGroup(const std::string& user, const nlohmann::json& group,
                                     ServiceGroupPlan* out) {
  if (!options_.services) return Status::PermissionDenied("Service groups are not available");
  if (!group.is_object()) return Status::InvalidArgument("Field 'service_group' must be an object");
  nlohmann::json spec = group;
  for (const char* key : {"uuid", "name"}) {  // "" and null count as absent (§2.4 quirks)
    auto it = spec.find(key);
    if (it == spec.end()) continue;
    if (it->is_string()) (key[0] == 'u' ? out->uuid : out->name) = it->get<std::string>();
    spec.erase(it);
  }
  out->existing = !out->uuid.empty() || !out->name.empty();
  if (out->existing) {
    for (const auto& [key, value] : spec.items()) {
      if (!value.is_null()) {
        return Status::InvalidArgument(
            "service_group: name an existing group ({uuid} or {name}) or describe a new one, "
            "not both");
      }
    }
    return options_.services->Get(user, out->uuid, out->name, &out->group);
  }
  std::string error;
  if (!api::ParseCreateServiceGroupRequest(spec, &out->spec, &error, nullptr, "service_group")) {
    return Status::InvalidArgument(error);
  }
  out->group.services = out->spec.services;
  return ServiceRegistry::ValidateServices(&out->group.services);
}

Status InstanceController::CreateGroupLocked(const std::string& user, ServiceGroupPlan* plan) {
  if (plan->existing) return Status::Ok();
  return options_.services->Create(user, plan->spec, /*persistent=*/false, &plan->group);
}

Status InstanceController::JoinGroupLocked(const std::string& user, ServiceGroupPlan* plan,
                                           InstanceRecord* r) {
  api::ServiceGroup joined;
  Status s =
      options_.services->Attach(user, plan->group.uuid, "", {r->view.uuid, r->view.name}, &joined);
  if (!s.ok()) {
    if (!plan->existing) options_.services->Detach(plan->group.uuid, "");  // drop it if unused
    return s;
  }
  plan->group = joined;
  api::InstanceServiceGroup view{joined.uuid, joined.name, {}};
  for (const auto& d : joined.domains) view.domains.push_back({d.fqdn});
  r->view.service_group = std::move(view);
  r->services = joined.services;
  return Status::Ok();
}

void InstanceController::LeaveGroupLocked(const InstanceRecord& r) {
  if (options_.services && r.view.service_group && !r.view.service_group->uuid.empty()) {
    options_.services->Detach(r.view.service_group->uuid, r.view.uuid);
  }
}

}  // namespace ukc::platform
