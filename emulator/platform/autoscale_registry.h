// The autoscale configurations of every user (ukc-api.md §8): memory + AutoscaleStore, one per
// service group, keyed by the group's uuid. Thread-safe; never calls out while holding its lock.
// The API handlers validate requests (the group and master exist, sizes, policy rules) before
// calling in; the Autoscaler reads Snapshot() and records the instances it creates.
//
// Contract:
//  * Create: AlreadyExists when the group is configured (API error 26).
//  * Get/Delete/AddPolicy/…: NotFound "… has no autoscale configuration" when it is not (27).
//  * AddPolicy: AlreadyExists for a policy name the configuration has (23); TooLarge beyond
//    api::kMaxAutoscalePolicies policies (5). GetPolicy/DeletePolicy: NotFound for an unknown
//    name (8).
//  * Delete (reset) hands the instances the autoscaler created to TakeRemovals() (the master is
//    never among them). DropGroup (the group was deleted) and ForgetInstance on a master (the
//    master was deleted) do the same.
//  * Every change is stored before it is visible; a failed store write changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "api/autoscale.h"
#include "base/status.h"
#include "platform/autoscale_store.h"

namespace ukc::platform {

// An instance to delete for `user` (from a reset configuration or a deleted group).
struct AutoscaleRemoval {
  std::string user, instance_uuid;
};

class AutoscaleRegistry {
 public:
  explicit AutoscaleRegistry(AutoscaleStore* store) : store_(store) {}

  Status Load();

  // `config.uuid` names the service group; the configuration is stored enabled.
  Status Create(const std::string& user, api::AutoscaleConfig config);
  Status Get(const std::string& user, const std::string& group_uuid, api::AutoscaleConfig* out);
  std::vector<api::AutoscaleConfig> List(const std::string& user);  // in creation order
  Status Delete(const std::string& user, const std::string& group_uuid, api::AutoscaleConfig* out);

  Status AddPolicy(const std::string& user, const std::string& group_uuid,
                   const api::AutoscalePolicy& policy);
  Status GetPolicy(const std::string& user, const std::string& group_uuid, const std::string& name,
                   api::AutoscalePolicy* out);
  Status DeletePolicy(const std::string& user, const std::string& group_uuid,
                      const std::string& name);

  // For the Autoscaler: every configuration with the instances created for it.
  std::vector<AutoscaleRecord> Snapshot();
  // Remembers an instance created for the group's configuration (NotFound when it is gone).
  Status RecordCreated(const std::string& group_uuid, const std::string& instance_uuid);
  // The instance was deleted: forgotten when it was created by the autoscaler; when it is a
  // configuration's master, that configuration is reset (its instances go to TakeRemovals).
  void ForgetInstance(const std::string& instance_uuid);
  // The service group was deleted: its configuration goes, its instances to TakeRemovals().
  void DropGroup(const std::string& group_uuid);
  // Instances to delete, handed out once.
  std::vector<AutoscaleRemoval> TakeRemovals();

 private:
  AutoscaleRecord* FindLocked(const std::string& user, const std::string& group_uuid);
  Status DeleteLocked(const std::string& group_uuid);

  AutoscaleStore* store_;
  std::mutex mu_;
  std::map<std::string, AutoscaleRecord> records_;  // by group uuid
  std::vector<AutoscaleRemoval> removals_;
  int64_t next_sequence_ = 1;
};

}  // namespace ukc::platform
