// The controller's side of autoscale: loads and clones (see instance_autoscale.h).
#include "platform/instance_autoscale.h"

namespace ukc::platform {

std::vector<GroupLoad> InstanceController::GroupLoads() {
  std::lock_guard lock(mu_);
  std::map<std::string, GroupLoad> loads;
  for (InstanceRecord* r : [&] {
         std::vector<InstanceRecord*> all;
         for (auto& [uuid, record] : records_) all.push_back(record.get());
         std::sort(all.begin(), all.end(),
                   [](auto* a, auto* b) { return a->sequence < b->sequence; });
         return all;
       }()) {
    if (!r->view.service_group || r->view.service_group->uuid.empty()) continue;
    GroupLoad& load = loads[r->view.service_group->uuid];
    load.group_uuid = r->view.service_group->uuid;
    bool up = (r->view.state == api::kStateRunning || r->view.state == api::kStateStarting) &&
              !r->parking;
    (up ? load.running : load.idle).push_back(r->view.uuid);
    load.connections += connections_.Get(r->view.uuid).open;
  }
  std::vector<GroupLoad> out;
  for (auto& [uuid, load] : loads) out.push_back(std::move(load));
  return out;
}

Status InstanceController::Clone(const std::string& user, const std::string& group_uuid,
                                 const std::string& master_uuid, std::string* instance_uuid) {
  api::CreateInstanceRequest q;
  {
    std::lock_guard lock(mu_);
    InstanceRecord* master = FindLocked(user, master_uuid, "");
    if (!master) return Status::NotFound("No instance with UUID '" + master_uuid + "'");
    const api::Instance& v = master->view;
    q.image = master->image_repository + "@" + master->image_digest;
    q.memory_mb = v.memory_mb;
    q.vcpus = v.vcpus;
    if (!v.args.empty()) q.args = v.args;
    q.env = v.env;
    q.restart_policy = v.restart_policy;
    q.scale_to_zero = v.scale_to_zero;
    q.features = master->features;
    q.service_group = nlohmann::json{{"uuid", group_uuid}};
    q.autostart = true;
  }
  std::vector<api::Instance> created;
  if (Status s = Create(user, q, &created); !s.ok()) return s;
  *instance_uuid = created.front().uuid;
  return Status::Ok();
}

Status InstanceAutoscaleTarget::RemoveInstance(const std::string& user,
                                               const std::string& instance_uuid) {
  std::string previous;
  api::Instance gone;
  return instances_->Delete(user, instance_uuid, "", &previous, &gone);
}

}  // namespace ukc::platform
