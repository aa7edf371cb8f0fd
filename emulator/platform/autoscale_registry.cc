#include "platform/autoscale_registry.h"

#include <algorithm>

#include "log.h"

namespace ukc::platform {

namespace {

Status NotConfigured(const std::string& group_uuid) {
  return Status::NotFound("Service group '" + group_uuid + "' has no autoscale configuration");
}

std::vector<api::AutoscalePolicy>::iterator FindPolicy(std::vector<api::AutoscalePolicy>* ps,
                                                       const std::string& name) {
  return std::find_if(ps->begin(), ps->end(), [&](const auto& p) { return p.name == name; });
}

}  // namespace

Status AutoscaleRegistry::Load() {
  std::vector<AutoscaleRecord> records;
  int skipped = 0;
  if (Status s = store_->LoadAll(&records, &skipped); !s.ok()) return s;
  if (skipped > 0) {
    Log(LogLevel::kWarn, "skipped " + std::to_string(skipped) + " unreadable autoscale configs");
  }
  std::lock_guard lock(mu_);
  for (auto& r : records) {
    next_sequence_ = std::max(next_sequence_, r.sequence + 1);
    std::string uuid = r.config.uuid;
    records_[uuid] = std::move(r);
  }
  return Status::Ok();
}

AutoscaleRecord* AutoscaleRegistry::FindLocked(const std::string& user,
                                               const std::string& group_uuid) {
  auto it = records_.find(group_uuid);
  return it != records_.end() && it->second.user == user ? &it->second : nullptr;
}

Status AutoscaleRegistry::Create(const std::string& user, api::AutoscaleConfig config) {
  std::lock_guard lock(mu_);
  if (records_.count(config.uuid)) {
    return Status::AlreadyExists("Service group '" + config.name +
                                 "' already has an autoscale configuration");
  }
  config.enabled = true;
  config.status.clear();
  AutoscaleRecord r{user, std::move(config), {}, next_sequence_};
  if (Status s = store_->Put(r); !s.ok()) return s;
  next_sequence_++;
  std::string uuid = r.config.uuid;
  records_[uuid] = std::move(r);
  return Status::Ok();
}

Status AutoscaleRegistry::Get(const std::string& user, const std::string& group_uuid,
                              api::AutoscaleConfig* out) {
  std::lock_guard lock(mu_);
  AutoscaleRecord* r = FindLocked(user, group_uuid);
  if (!r) return NotConfigured(group_uuid);
  *out = r->config;
  return Status::Ok();
}

std::vector<api::AutoscaleConfig> AutoscaleRegistry::List(const std::string& user) {
  std::lock_guard lock(mu_);
  std::vector<const AutoscaleRecord*> mine;
  for (const auto& [uuid, r] : records_) {
    if (r.user == user) mine.push_back(&r);
  }
  std::sort(mine.begin(), mine.end(),
            [](const auto* a, const auto* b) { return a->sequence < b->sequence; });
  std::vector<api::AutoscaleConfig> out;
  for (const auto* r : mine) out.push_back(r->config);
  return out;
}

Status AutoscaleRegistry::DeleteLocked(const std::string& group_uuid) {
  auto it = records_.find(group_uuid);
  if (it == records_.end()) return NotConfigured(group_uuid);
  if (Status s = store_->Delete(group_uuid); !s.ok()) return s;
  for (const auto& uuid : it->second.created) removals_.push_back({it->second.user, uuid});
  records_.erase(it);
  return Status::Ok();
}

Status AutoscaleRegistry::Delete(const std::string& user, const std::string& group_uuid,
                                 api::AutoscaleConfig* out) {
  std::lock_guard lock(mu_);
  AutoscaleRecord* r = FindLocked(user, group_uuid);
  if (!r) return NotConfigured(group_uuid);
  *out = r->config;
  return DeleteLocked(group_uuid);
}

Status AutoscaleRegistry::AddPolicy(const std::string& user, const std::string& group_uuid,
                                    const api::AutoscalePolicy& policy) {
  std::lock_guard lock(mu_);
  AutoscaleRecord* r = FindLocked(user, group_uuid);
  if (!r) return NotConfigured(group_uuid);
  auto& policies = r->config.policies;
  if (FindPolicy(&policies, policy.name) != policies.end()) {
    return Status::AlreadyExists("A policy with name '" + policy.name + "' already exists");
  }
  if (policies.size() >= size_t{api::kMaxAutoscalePolicies}) {
    return Status::TooLarge("A service group has at most " +
                            std::to_string(api::kMaxAutoscalePolicies) + " autoscale policies");
  }
  AutoscaleRecord updated = *r;
  updated.config.policies.push_back(policy);
  if (Status s = store_->Put(updated); !s.ok()) return s;
  *r = std::move(updated);
  return Status::Ok();
}

Status AutoscaleRegistry::GetPolicy(const std::string& user, const std::string& group_uuid,
                                    const std::string& name, api::AutoscalePolicy* out) {
  std::lock_guard lock(mu_);
  AutoscaleRecord* r = FindLocked(user, group_uuid);
  if (!r) return NotConfigured(group_uuid);
  auto it = FindPolicy(&r->config.policies, name);
  if (it == r->config.policies.end()) return Status::NotFound("No policy with name '" + name + "'");
  *out = *it;
  return Status::Ok();
}

Status AutoscaleRegistry::DeletePolicy(const std::string& user, const std::string& group_uuid,
                                       const std::string& name) {
  std::lock_guard lock(mu_);
  AutoscaleRecord* r = FindLocked(user, group_uuid);
  if (!r) return NotConfigured(group_uuid);
  AutoscaleRecord updated = *r;
  auto it = FindPolicy(&updated.config.policies, name);
  if (it == updated.config.policies.end()) {
    return Status::NotFound("No policy with name '" + name + "'");
  }
  updated.config.policies.erase(it);
  if (Status s = store_->Put(updated); !s.ok()) return s;
  *r = std::move(updated);
  return Status::Ok();
}

std::vector<AutoscaleRecord> AutoscaleRegistry::Snapshot() {
  std::lock_guard lock(mu_);
  std::vector<AutoscaleRecord> out;
  for (const auto& [uuid, r] : records_) out.push_back(r);
  return out;
}

Status AutoscaleRegistry::RecordCreated(const std::string& group_uuid,
                                        const std::string& instance_uuid) {
  std::lock_guard lock(mu_);
  auto it = records_.find(group_uuid);
  if (it == records_.end()) return NotConfigured(group_uuid);
  AutoscaleRecord updated = it->second;
  updated.created.push_back(instance_uuid);
  if (Status s = store_->Put(updated); !s.ok()) return s;
  it->second = std::move(updated);
  return Status::Ok();
}

void AutoscaleRegistry::ForgetInstance(const std::string& instance_uuid) {
  std::lock_guard lock(mu_);
  std::vector<std::string> reset;
  for (auto& [group, r] : records_) {
    if (r.config.master.uuid == instance_uuid) {
      reset.push_back(group);
      continue;
    }
    auto& c = r.created;
    if (std::find(c.begin(), c.end(), instance_uuid) == c.end()) continue;
    AutoscaleRecord updated = r;
    updated.created.erase(
        std::remove(updated.created.begin(), updated.created.end(), instance_uuid),
        updated.created.end());
    if (Status s = store_->Put(updated); !s.ok()) {
      Log(LogLevel::kWarn, "autoscale store: " + s.message());
      continue;
    }
    r = std::move(updated);
  }
  for (const auto& group : reset) {
    if (Status s = DeleteLocked(group); !s.ok()) Log(LogLevel::kWarn, "autoscale: " + s.message());
  }
}

void AutoscaleRegistry::DropGroup(const std::string& group_uuid) {
  std::lock_guard lock(mu_);
  if (!records_.count(group_uuid)) return;
  if (Status s = DeleteLocked(group_uuid); !s.ok()) {
    Log(LogLevel::kWarn, "autoscale: " + s.message());
  }
}

std::vector<AutoscaleRemoval> AutoscaleRegistry::TakeRemovals() {
  std::lock_guard lock(mu_);
  return std::exchange(removals_, {});
}

}  // namespace ukc::platform
