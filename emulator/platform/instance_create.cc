// Creating instances: checking the request (names, features, scale-to-zero, quotas), the
// image and its label defaults (image_defaults.h), the service group, then one record per
// instance (1 + replicas), each written to the store before it is visible.
#include <algorithm>
#include <set>

#include "platform/image_defaults.h"
#include "platform/instance_controller.h"
#include "platform/random_ids.h"

namespace ukc::platform {

namespace {

bool IsValidName(const std::string& name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// Private network: 172.16.0.0/12 with a /30 per instance (the vendor's layout); MAC 12:b0: + IP.
void AssignNetwork(int index, api::Instance* view) {
  uint32_t ip = 0xAC100000u + 4u * static_cast<uint32_t>(index) + 1u;
  char text[32], mac[32];
  snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
           ip & 255);
  snprintf(mac, sizeof(mac), "12:b0:%02x:%02x:%02x:%02x", ip >> 24, (ip >> 16) & 255,
           (ip >> 8) & 255, ip & 255);
  view->private_ip = text;
  view->network_interfaces = {{NewUuid(), text, mac}};
}

}  // namespace

Status InstanceController::CheckCreate(const std::string& user,
                                       const api::CreateInstanceRequest& q) {
  const QuotaLimits& l = options_.limits;
  if (q.image.empty()) return Status::InvalidArgument("Field 'image' is required");
  if (q.name && q.name->size() > 255) return Status::InvalidArgument("Name too long");
  if (q.name && !q.name->empty() && !IsValidName(*q.name)) {
    return Status::InvalidArgument("Invalid name '" + *q.name + "'");
  }
  if (q.memory_mb && (*q.memory_mb < l.min_memory_mb || *q.memory_mb > l.max_memory_mb)) {
    return Status::InvalidArgument("memory_mb must be between " + std::to_string(l.min_memory_mb) +
                                   " and " + std::to_string(l.max_memory_mb));
  }
  if (q.vcpus && (*q.vcpus < l.min_vcpus || *q.vcpus > l.max_vcpus)) {
    return Status::InvalidArgument("vcpus must be between " + std::to_string(l.min_vcpus) +
                                   " and " + std::to_string(l.max_vcpus));
  }
  if (q.replicas && (*q.replicas < 0 || *q.replicas > 253)) {
    return Status::InvalidArgument("replicas must be between 0 and 253");
  }
  std::string policy = q.restart_policy.value_or("never");
  if (policy != "never" && policy != "always" && policy != "on-failure") {
    return Status::InvalidArgument("Invalid restart_policy '" + policy +
                                   "' (never, always or on-failure)");
  }
  bool delete_on_stop = false;
  for (const auto& f : q.features) {
    if (f == "delete-on-stop") {
      delete_on_stop = true;
    } else if (f != "scale-to-zero") {
      return Status::InvalidArgument("Unknown feature '" + f + "'");
    }
  }
  bool scales = (q.scale_to_zero && q.scale_to_zero->policy != "off") ||
                std::count(q.features.begin(), q.features.end(), "scale-to-zero");
  if (delete_on_stop && scales) {
    return Status::InvalidArgument("scale_to_zero cannot be combined with delete-on-stop");
  }
  if (delete_on_stop && policy != "never") {
    return Status::InvalidArgument("restart_policy cannot be combined with delete-on-stop");
  }
  if (q.wait_timeout_ms && *q.wait_timeout_ms != 0 && !q.autostart.value_or(false)) {
    return Status::InvalidArgument("wait_timeout_ms requires autostart");
  }
  (void)user;
  return Status::Ok();
}

std::string InstanceController::UniqueNameLocked(const std::string& user,
                                                 const std::string& repository) {
  std::string base = repository.substr(repository.rfind('/') + 1);
  base.erase(std::remove(base.begin(), base.end(), '.'), base.end());
  while (true) {
    std::string name = base + "-" + RandomSuffix(5);
    if (!FindLocked(user, "", name)) return name;
  }
}

Status InstanceController::CheckQuotaLocked(const std::string& user,
                                            const api::CreateInstanceRequest& q) {
  int count = 1 + q.replicas.value_or(0);
  Usage usage;
  for (const auto& [id, r] : records_) {
    if (r->user != user) continue;
    usage.instances++;
    if (r->live()) usage.live_memory_mb += r->view.memory_mb, usage.live_vcpus += r->view.vcpus;
  }
  const QuotaLimits& l = options_.limits;
  int memory = q.memory_mb.value_or(128), vcpus = q.vcpus.value_or(1);
  if (usage.instances + count > l.instances) {
    return Status::TooLarge("Quota exceeded: at most " + std::to_string(l.instances) +
                            " instances");
  }
  if (q.autostart.value_or(false) && (usage.live_memory_mb + count * memory > l.live_memory_mb ||
                                      usage.live_vcpus + count * vcpus > l.live_vcpus)) {
    return Status::TooLarge("Quota exceeded: live memory or vCPUs");
  }
  return Status::Ok();
}

Status InstanceController::Create(const std::string& user, const api::CreateInstanceRequest& q,
                                  std::vector<api::Instance>* created) {
  if (Status s = CheckCreate(user, q); !s.ok()) return s;
  ServiceGroupPlan group;
  if (q.service_group) {
    if (Status s = PlanGroup(user, *q.service_group, &group); !s.ok()) return s;
  }
  api::ScaleToZero scale_to_zero = q.scale_to_zero.value_or(api::ScaleToZero{});
  if (!q.scale_to_zero && std::count(q.features.begin(), q.features.end(), "scale-to-zero")) {
    scale_to_zero.policy = "on";
  }
  if (scale_to_zero.policy != "off" && group.group.services.empty()) {
    return Status::InvalidArgument("scale_to_zero requires a service group with published ports");
  }
  std::string repository, digest, display;
  if (Status s = images_->Resolve(user, q.image, &repository, &digest, &display); !s.ok()) {
    return s;
  }
  std::set<std::string> given = q.scale_to_zero_keys;
  if (!q.scale_to_zero && scale_to_zero.policy == "on") given.insert("policy");  // the feature
  bool policy_from_label = false;
  if (Status s = ApplyScaleToZeroLabels(images_->Labels(user, display), given, &scale_to_zero,
                                        &policy_from_label);
      !s.ok()) {
    return s;
  }
  if (policy_from_label && group.group.services.empty()) {
    scale_to_zero = api::ScaleToZero{};  // no published ports: the image's default cannot apply
  }
  std::lock_guard lock(mu_);
  if (q.name && !q.name->empty() && FindLocked(user, "", *q.name)) {
    return Status::AlreadyExists("An instance with name '" + *q.name + "' already exists");
  }
  if (Status s = CheckQuotaLocked(user, q); !s.ok()) return s;
  if (q.service_group) {
    if (Status s = CreateGroupLocked(user, &group); !s.ok()) return s;
  }
  for (int i = 0, count = 1 + q.replicas.value_or(0); i < count; ++i) {
    auto r = std::make_unique<InstanceRecord>();
    r->user = user;
    r->image_repository = repository;
    r->image_digest = digest;
    r->features = q.features;
    r->sequence = next_sequence_++;
    r->network_index = next_network_index_++;
    api::Instance& v = r->view;
    v.uuid = NewUuid();
    v.name = (i == 0 && q.name && !q.name->empty()) ? *q.name : UniqueNameLocked(user, repository);
    v.created_at = Rfc3339(NowMs());
    v.state = api::kStateStopped;
    v.image = display;
    v.memory_mb = q.memory_mb.value_or(128);
    v.vcpus = q.vcpus.value_or(1);
    v.args = q.args.value_or(std::vector<std::string>{});
    v.env = q.env;
    v.restart_policy = q.restart_policy.value_or("never");
    v.scale_to_zero = scale_to_zero;
    v.private_fqdn = v.name + ".internal";
    v.tags = q.tags;
    AssignNetwork(r->network_index, &v);
    if (q.service_group) {
      if (Status s = JoinGroupLocked(user, &group, r.get()); !s.ok()) return s;
    }
    if (q.autostart.value_or(false)) RequestLaunchLocked(r.get(), false);
    if (Status s = store_->Put(*r); !s.ok()) {
      LeaveGroupLocked(*r);
      return s;
    }
    created->push_back(ViewLocked(*r));
    records_[v.uuid] = std::move(r);
  }
  changed_.notify_all();
  return Status::Ok();
}

}  // namespace ukc::platform
