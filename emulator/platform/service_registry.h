// The service groups of every user (ukc-api.md §7): memory + ServiceGroupStore. Thread-safe; it
// never calls out while holding its lock, so the instances controller may call it under its own.
//
// Contract:
//  * Names: `<adjective>-<noun>-<8 [a-z0-9]>` when none is given; unique per user (AlreadyExists).
//  * Ports (§7.2, ValidateServices): 1…65535 (destination_port defaults to port); 80 needs http,
//    not tls; 443 needs http and tls; any other port needs tls, not http; redirect only on 80;
//    handlers tls|http|redirect; a port published once. Violations: InvalidArgument.
//  * Domains (§7.3): {name:"foo"} → foo.<metro>.<base domain> (default foo.local.localhost);
//    {name:"example.com."} → example.com as is. Lower-cased; each label [a-z0-9-], 1…63, not
//    starting or ending with '-'. No domains: <group name>.<metro domain> for a generated name,
//    <name>-<8 [a-z0-9]>.<metro domain> for a given one (§2.5). A domain is used by one group of
//    any user (AlreadyExists). Certificates are not emulated: a certificate reference is
//    NotFound.
//  * Limits: soft_limit 1 and hard_limit 65535 by default, each 1…65535, soft ≤ hard.
//  * Quotas: QuotaLimits.service_groups groups and .services published ports per user (TooLarge).
//  * Lifecycle (§7.5): POST /services groups are persistent. Groups created by an instance create
//    are ephemeral: Detach of their last instance deletes them; a second Attach makes them
//    persistent. Delete fails with PermissionDenied while instances are attached.
//  * Lookups are per user: another user's group is NotFound ("No service with name 'x'").
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "api/service_group.h"
#include "base/status.h"
#include "platform/quota_limits.h"
#include "platform/service_group_store.h"

namespace ukc::platform {

struct ServiceRegistryOptions {
  std::string metro = "local";            // FQDNs: <label>.<metro>.<base_domain>
  std::string base_domain = "localhost";  // *.localhost resolves to the loopback address
  QuotaLimits limits;
  std::function<int64_t()> unix_ms;  // wall clock; default: system_clock
};

struct ServiceUsage {
  int service_groups = 0, services = 0;  // services = published ports over all groups
};

class ServiceRegistry {
 public:
  ServiceRegistry(ServiceGroupStore* store, ServiceRegistryOptions options);

  // Loads the stored groups.
  Status Load();
  // The port rules (see above); fills destination_port where it is 0.
  static Status ValidateServices(std::vector<api::ServicePort>* services);
  // The FQDN a request domain names (trailing dot: as is; else below the metro domain).
  Status ResolveDomain(const std::string& name, std::string* fqdn) const;

  Status Create(const std::string& user, const api::CreateServiceGroupRequest& request,
                bool persistent, api::ServiceGroup* out);
  // Lookups by uuid or name (exactly one non-empty).
  Status Get(const std::string& user, const std::string& uuid, const std::string& name,
             api::ServiceGroup* out);
  std::vector<api::ServiceGroup> List(const std::string& user);  // in creation order
  Status Delete(const std::string& user, const std::string& uuid, const std::string& name,
                api::ServiceGroup* out);
  // Adds `instance` to the group (uuid or name) of `user`; `*out` is the group afterwards.
  Status Attach(const std::string& user, const std::string& uuid, const std::string& name,
                const api::ServiceGroupInstance& instance, api::ServiceGroup* out);
  // Removes the instance from the group; an ephemeral group left empty is deleted.
  void Detach(const std::string& group_uuid, const std::string& instance_uuid);
  // After a restart: forgets attached instances that no longer exist (a crash between deleting
  // an instance and detaching it), deleting ephemeral groups left empty.
  void Prune(const std::function<bool(const std::string& instance_uuid)>& instance_exists);
  ServiceUsage UsageOf(const std::string& user);
  // Every group of every user (the service proxy's routes), and a counter bumped by every change.
  std::vector<api::ServiceGroup> All();
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  ServiceGroupRecord* FindLocked(const std::string& user, const std::string& uuid,
                                 const std::string& name);
  bool DomainTakenLocked(const std::string& fqdn) const;
  Status CheckRequestLocked(const std::string& user, const api::CreateServiceGroupRequest& q,
                            std::vector<api::ServicePort>* services,
                            std::vector<api::ServiceGroupDomain>* domains);
  std::string GeneratedNameLocked(const std::string& user);
  std::string GeneratedDomainLocked(const std::string& name, bool name_given);
  void DetachLocked(ServiceGroupRecord* record, const std::string& instance_uuid);

  ServiceGroupStore* store_;
  ServiceRegistryOptions options_;
  std::mutex mu_;
  std::map<std::string, ServiceGroupRecord> groups_;  // by uuid
  int64_t next_sequence_ = 1;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace ukc::platform
