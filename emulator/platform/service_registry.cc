#include "platform/service_registry.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>
#include <set>

#include "base/rfc3339.h"
#include "log.h"
#include "platform/random_ids.h"

namespace ukc::platform {

namespace {

constexpr const char* kAdjectives[] = {
    "young",  "brave", "calm",   "eager", "fancy", "gentle", "happy",  "jolly", "keen",
    "lively", "merry", "nimble", "proud", "quick", "rapid",  "shiny",  "sunny", "swift",
    "tidy",   "vivid", "witty",  "zesty", "bold",  "cosmic", "dapper", "lucky", "mellow"};
constexpr const char* kNouns[] = {
    "monkey", "otter", "falcon", "panda",  "tiger", "badger", "heron", "lynx",  "koala",
    "walrus", "bison", "gecko",  "marten", "raven", "salmon", "yak",   "zebra", "puffin",
    "beaver", "camel", "dingo",  "ferret", "ibex",  "lemur",  "moose", "orca",  "quokka"};

template <size_t N>
const char* Pick(const char* const (&words)[N]) {
  thread_local std::mt19937 rng(std::random_device{}());
  return words[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

bool Has(const std::vector<std::string>& v, const char* s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool IsValidName(const std::string& name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// A DNS label: [a-z0-9-], 1…63 characters, no leading or trailing '-'.
bool IsLabel(const std::string& label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsHostName(const std::string& fqdn) {
  if (fqdn.empty() || fqdn.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = fqdn.find('.', start);
    if (!IsLabel(fqdn.substr(start, dot == std::string::npos ? dot : dot - start))) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status NotFound(const std::string& uuid, const std::string& name) {
  return uuid.empty() ? Status::NotFound("No service with name '" + name + "'")
                      : Status::NotFound("No service with uuid '" + uuid + "'");
}

}  // namespace

ServiceRegistry::ServiceRegistry(ServiceGroupStore* store, ServiceRegistryOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.unix_ms) {
    options_.unix_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

Status ServiceRegistry::Load() {
  std::vector<ServiceGroupRecord> records;
  int skipped = 0;
  if (Status s = store_->LoadAll(&records, &skipped); !s.ok()) return s;
  if (skipped > 0) {
    Log(LogLevel::kWarn, "skipped " + std::to_string(skipped) + " unreadable service groups");
  }
  std::lock_guard lock(mu_);
  for (auto& r : records) {
    next_sequence_ = std::max(next_sequence_, r.sequence + 1);
    std::string uuid = r.group.uuid;
    groups_[uuid] = std::move(r);
  }
  return Status::Ok();
}

Status ServiceRegistry::ValidateServices(std::vector<api::ServicePort>* services) {
  std::set<int> ports;
  for (auto& p : *services) {
    if (p.destination_port == 0) p.destination_port = p.port;
    for (const auto& handler : p.handlers) {
      if (handler != "tls" && handler != "http" && handler != "redirect") {
        return Status::InvalidArgument("Invalid handler '" + handler + "' (tls, http or redirect)");
      }
    }
    if (p.port < 1 || p.port > 65535 || p.destination_port < 1 || p.destination_port > 65535) {
      return Status::InvalidArgument("Ports must be between 1 and 65535");
    }
    bool tls = Has(p.handlers, "tls"), http = Has(p.handlers, "http");
    if (p.port == 80 && (!http || tls)) {
      return Status::InvalidArgument("Port 80 must have the http handler and not tls");
    }
    if (p.port == 443 && (!http || !tls)) {
      return Status::InvalidArgument("Port 443 must have the http and tls handlers");
    }
    if (p.port != 80 && p.port != 443 && (!tls || http)) {
      return Status::InvalidArgument("Port " + std::to_string(p.port) +
                                     " must have the tls handler and not http");
    }
    if (Has(p.handlers, "redirect") && p.port != 80) {
      return Status::InvalidArgument("The redirect handler is only allowed on port 80");
    }
    if (!ports.insert(p.port).second) {
      return Status::InvalidArgument("Port " + std::to_string(p.port) + " is published twice");
    }
  }
  return Status::Ok();
}

Status ServiceRegistry::ResolveDomain(const std::string& name, std::string* fqdn) const {
  std::string domain = Lower(name);
  if (!domain.empty() && domain.back() == '.') {
    domain.pop_back();
  } else if (!IsLabel(domain)) {
    return Status::InvalidArgument("Invalid domain name '" + name +
                                   "' (a label, or an FQDN with a trailing dot)");
  } else {
    domain += "." + options_.metro + "." + options_.base_domain;
  }
  if (!IsHostName(domain)) return Status::InvalidArgument("Invalid domain name '" + name + "'");
  *fqdn = domain;
  return Status::Ok();
}

ServiceGroupRecord* ServiceRegistry::FindLocked(const std::string& user, const std::string& uuid,
                                                const std::string& name) {
  if (!uuid.empty()) {
    auto it = groups_.find(Lower(uuid));
    return it != groups_.end() && it->second.user == user ? &it->second : nullptr;
  }
  for (auto& [id, r] : groups_) {
    if (r.user == user && r.group.name == name) return &r;
  }
  return nullptr;
}

bool ServiceRegistry::DomainTakenLocked(const std::string& fqdn) const {
  for (const auto& [id, r] : groups_) {
    for (const auto& d : r.group.domains) {
      if (d.fqdn == fqdn) return true;
    }
  }
  return false;
}

std::string ServiceRegistry::GeneratedNameLocked(const std::string& user) {
  while (true) {
    std::string name = std::string(Pick(kAdjectives)) + "-" + Pick(kNouns) + "-" + RandomSuffix(8);
    if (!FindLocked(user, "", name)) return name;
  }
}

std::string ServiceRegistry::GeneratedDomainLocked(const std::string& name, bool name_given) {
  std::string label = Lower(name);  // given names may hold '_' or '.': not in a DNS label
  std::replace_if(
      label.begin(), label.end(), [](char c) { return c == '_' || c == '.'; }, '-');
  label = label.substr(0, 50);
  while (!label.empty() && label.back() == '-') label.pop_back();
  std::string suffix = "." + options_.metro + "." + options_.base_domain;
  if (!name_given && !DomainTakenLocked(label + suffix)) return label + suffix;
  while (true) {
    std::string fqdn = label + "-" + RandomSuffix(8) + suffix;
    if (!DomainTakenLocked(fqdn)) return fqdn;
  }
}

Status ServiceRegistry::CheckRequestLocked(const std::string& user,
                                           const api::CreateServiceGroupRequest& q,
                                           std::vector<api::ServicePort>* services,
                                           std::vector<api::ServiceGroupDomain>* domains) {
  if (q.name && q.name->size() > 255) return Status::InvalidArgument("Name too long");
  if (q.name && !q.name->empty() && !IsValidName(*q.name)) {
    return Status::InvalidArgument("Invalid name '" + *q.name + "'");
  }
  if (q.name && !q.name->empty() && FindLocked(user, "", *q.name)) {
    return Status::AlreadyExists("A service group with name '" + *q.name + "' already exists");
  }
  *services = q.services;
  if (Status s = ValidateServices(services); !s.ok()) return s;
  int soft = q.soft_limit.value_or(api::kDefaultSoftLimit);
  int hard = q.hard_limit.value_or(api::kDefaultHardLimit);
  if (soft < 1 || soft > 65535 || hard < 1 || hard > 65535) {
    return Status::InvalidArgument("soft_limit and hard_limit must be between 1 and 65535");
  }
  if (soft > hard) return Status::InvalidArgument("soft_limit must not exceed hard_limit");
  std::set<std::string> seen;
  for (const auto& d : q.domains) {
    if (d.certificate) {  // certificates are not emulated: no reference can resolve
      return d.certificate->uuid.empty()
                 ? Status::NotFound("No certificate with name '" + d.certificate->name + "'")
                 : Status::NotFound("No certificate with uuid '" + d.certificate->uuid + "'");
    }
    std::string fqdn;
    if (Status s = ResolveDomain(d.name, &fqdn); !s.ok()) return s;
    if (!seen.insert(fqdn).second) {
      return Status::InvalidArgument("Domain '" + fqdn + "' is given twice");
    }
    if (DomainTakenLocked(fqdn)) {
      return Status::AlreadyExists("Domain '" + fqdn + "' is already in use");
    }
    domains->push_back({fqdn, std::nullopt});
  }
  ServiceUsage used;
  for (const auto& [id, r] : groups_) {
    if (r.user != user) continue;
    used.service_groups++;
    used.services += static_cast<int>(r.group.services.size());
  }
  const QuotaLimits& l = options_.limits;
  if (used.service_groups + 1 > l.service_groups) {
    return Status::TooLarge("Quota exceeded: at most " + std::to_string(l.service_groups) +
                            " service groups");
  }
  if (used.services + static_cast<int>(services->size()) > l.services) {
    return Status::TooLarge("Quota exceeded: at most " + std::to_string(l.services) +
                            " published services");
  }
  return Status::Ok();
}

Status ServiceRegistry::Create(const std::string& user, const api::CreateServiceGroupRequest& q,
                               bool persistent, api::ServiceGroup* out) {
  std::lock_guard lock(mu_);
  ServiceGroupRecord r;
  if (Status s = CheckRequestLocked(user, q, &r.group.services, &r.group.domains); !s.ok()) {
    return s;
  }
  bool name_given = q.name && !q.name->empty();
  r.user = user;
  r.sequence = next_sequence_++;
  api::ServiceGroup& g = r.group;
  g.uuid = NewUuid();
  g.name = name_given ? *q.name : GeneratedNameLocked(user);
  g.created_at = Rfc3339(options_.unix_ms());
  g.persistent = persistent;
  g.soft_limit = q.soft_limit.value_or(api::kDefaultSoftLimit);
  g.hard_limit = q.hard_limit.value_or(api::kDefaultHardLimit);
  if (g.domains.empty()) g.domains.push_back({GeneratedDomainLocked(g.name, name_given), {}});
  if (Status s = store_->Put(r); !s.ok()) return s;
  *out = g;
  groups_[g.uuid] = std::move(r);
  generation_++;
  return Status::Ok();
}

Status ServiceRegistry::Get(const std::string& user, const std::string& uuid,
                            const std::string& name, api::ServiceGroup* out) {
  std::lock_guard lock(mu_);
  ServiceGroupRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFound(uuid, name);
  *out = r->group;
  return Status::Ok();
}

std::vector<api::ServiceGroup> ServiceRegistry::List(const std::string& user) {
  std::lock_guard lock(mu_);
  std::vector<const ServiceGroupRecord*> mine;
  for (const auto& [id, r] : groups_) {
    if (r.user == user) mine.push_back(&r);
  }
  std::sort(mine.begin(), mine.end(),
            [](const auto* a, const auto* b) { return a->sequence < b->sequence; });
  std::vector<api::ServiceGroup> out;
  for (const auto* r : mine) out.push_back(r->group);
  return out;
}

Status ServiceRegistry::Delete(const std::string& user, const std::string& uuid,
                               const std::string& name, api::ServiceGroup* out) {
  std::lock_guard lock(mu_);
  ServiceGroupRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFound(uuid, name);
  if (!r->group.instances.empty()) {
    return Status::PermissionDenied("Service group '" + r->group.name + "' has " +
                                    std::to_string(r->group.instances.size()) +
                                    " instance(s) attached");
  }
  if (Status s = store_->Delete(r->group.uuid); !s.ok()) return s;
  *out = r->group;
  groups_.erase(r->group.uuid);
  generation_++;
  return Status::Ok();
}

Status ServiceRegistry::Attach(const std::string& user, const std::string& uuid,
                               const std::string& name, const api::ServiceGroupInstance& instance,
                               api::ServiceGroup* out) {
  std::lock_guard lock(mu_);
  ServiceGroupRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFound(uuid, name);
  ServiceGroupRecord updated = *r;
  updated.group.instances.push_back(instance);
  if (updated.group.instances.size() >= 2) updated.group.persistent = true;
  if (Status s = store_->Put(updated); !s.ok()) return s;
  *r = std::move(updated);
  *out = r->group;
  generation_++;
  return Status::Ok();
}

void ServiceRegistry::DetachLocked(ServiceGroupRecord* r, const std::string& instance_uuid) {
  auto& instances = r->group.instances;
  instances.erase(std::remove_if(instances.begin(), instances.end(),
                                 [&](const auto& i) { return i.uuid == instance_uuid; }),
                  instances.end());
  Status s;
  if (instances.empty() && !r->group.persistent) {
    std::string uuid = r->group.uuid;
    s = store_->Delete(uuid);
    groups_.erase(uuid);
  } else {
    s = store_->Put(*r);
  }
  if (!s.ok()) Log(LogLevel::kWarn, "service group store: " + s.message());
  generation_++;
}

void ServiceRegistry::Detach(const std::string& group_uuid, const std::string& instance_uuid) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group_uuid);
  if (it != groups_.end()) DetachLocked(&it->second, instance_uuid);
}

void ServiceRegistry::Prune(const std::function<bool(const std::string&)>& instance_exists) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> gone;  // group, instance
  for (const auto& [id, r] : groups_) {
    for (const auto& i : r.group.instances) {
      if (!instance_exists(i.uuid)) gone.emplace_back(id, i.uuid);
    }
    if (r.group.instances.empty() && !r.group.persistent) gone.emplace_back(id, "");
  }
  for (const auto& [group, instance] : gone) {
    auto it = groups_.find(group);
    if (it != groups_.end()) DetachLocked(&it->second, instance);
  }
}

std::vector<api::ServiceGroup> ServiceRegistry::All() {
  std::lock_guard lock(mu_);
  std::vector<api::ServiceGroup> out;
  for (const auto& [id, r] : groups_) out.push_back(r.group);
  return out;
}

ServiceUsage ServiceRegistry::UsageOf(const std::string& user) {
  std::lock_guard lock(mu_);
  ServiceUsage u;
  for (const auto& [id, r] : groups_) {
    if (r.user != user) continue;
    u.service_groups++;
    u.services += static_cast<int>(r.group.services.size());
  }
  return u;
}

}  // namespace ukc::platform
