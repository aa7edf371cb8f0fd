// The instances controller as the autoscaler's target (platform/autoscaler.h): loads per service
// group, clones of the configuration's master instance, deletions.
#pragma once

#include "platform/autoscaler.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

class InstanceAutoscaleTarget : public AutoscaleTarget {
 public:
  explicit InstanceAutoscaleTarget(InstanceController* instances) : instances_(instances) {}
  std::vector<GroupLoad> Loads() override { return instances_->GroupLoads(); }
  Status AddInstance(const std::string& user, const std::string& group_uuid,
                     const std::string& master_uuid, std::string* instance_uuid) override {
    return instances_->Clone(user, group_uuid, master_uuid, instance_uuid);
  }
  Status RemoveInstance(const std::string& user, const std::string& instance_uuid) override;

 private:
  InstanceController* instances_;
};

}  // namespace ukc::platform
