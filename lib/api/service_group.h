// A service group as the platform API reports it (GET /v1/services items; ukc-api.md §7.4), and
// the create request (POST /v1/services, and the new-group form of an instance's service_group;
// §7.1, §4.2). Shared by ukc-emu (emits the group, parses the request strictly) and kraft (sends
// the request, renders the group). The request's domain key is `name`, the response's `fqdn`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/instance.h"  // ServicePort, InstanceServiceGroup

namespace ukc::api {

inline constexpr int kDefaultSoftLimit = 1;
inline constexpr int kDefaultHardLimit = 65535;

// A reference to an existing object: exactly one of uuid and name is meant ("" = absent).
struct ObjectRef {
  std::string uuid, name;
};

struct DomainCertificate {
  std::string uuid, name, state;
};

struct ServiceGroupDomain {
  std::string fqdn;  // without a trailing dot
  std::optional<DomainCertificate> certificate;
};

struct ServiceGroupInstance {
  std::string uuid, name;
};

struct ServiceGroup {
  std::string uuid, name, created_at;
  bool persistent = true;
  bool autoscale = false;
  int soft_limit = kDefaultSoftLimit, hard_limit = kDefaultHardLimit;
  std::vector<ServicePort> services;
  std::vector<ServiceGroupDomain> domains;
  std::vector<ServiceGroupInstance> instances;
};

// {uuid, name, created_at, persistent, autoscale, soft_limit, hard_limit, services:[{port,
// destination_port, handlers}], domains:[{fqdn[, certificate]}], instances:[{uuid, name}]}.
nlohmann::json ToJson(const ServiceGroup& group);
// Lenient (clients): missing or ill-typed fields keep their defaults.
ServiceGroup ServiceGroupFromJson(const nlohmann::json& j);

// {port, destination_port, handlers} (handlers always present).
nlohmann::json ToJson(const ServicePort& port);
// An instance's service_group: {uuid, name, domains:[{fqdn}]}.
nlohmann::json ToJson(const InstanceServiceGroup& group);

struct CreateDomain {
  std::string name;  // a label ("foo") or an FQDN with a trailing dot ("example.com.")
  std::optional<ObjectRef> certificate;
};

// POST /v1/services. Optional fields are sent only when set.
struct CreateServiceGroupRequest {
  std::optional<std::string> name;
  std::vector<ServicePort> services;  // destination_port 0 = absent (defaults to port)
  std::vector<CreateDomain> domains;
  std::optional<int> soft_limit, hard_limit;
};

nlohmann::json ToJson(const CreateServiceGroupRequest& request);
// Strict (the emulator): `j` must be an object with only name, services[{port, destination_port,
// handlers}], domains[{name, certificate{uuid|name}}], soft_limit, hard_limit; ill-typed values
// (a non-integer port, a non-string handler, …) are errors. null counts as absent. Port rules
// and ranges are not checked here (they are per-item errors, see ServiceRegistry). `field`
// prefixes the names in messages ("service_group" → "Unknown field 'service_group.x'").
// Fields of newer generations ukc-emu does not implement (G3 `autokill`) go to `*unsupported`
// when it is given, else they are unknown fields.
bool ParseCreateServiceGroupRequest(const nlohmann::json& j, CreateServiceGroupRequest* out,
                                    std::string* error, std::string* unsupported = nullptr,
                                    const std::string& field = "");

}  // namespace ukc::api
