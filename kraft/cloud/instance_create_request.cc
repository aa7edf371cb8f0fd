#include "cloud/instance_create_request.h"

#include <algorithm>

#include "api/instance.h"
#include "cloud/instance_api.h"
#include "cloud/memory_flag.h"
#include "cloud/port_flags.h"
#include "go_duration.h"

namespace kraft {
namespace {

using nlohmann::json;

ukc::Status ParseVolumes(const std::vector<std::string>& values, std::optional<json>* out) {
  if (values.empty()) return ukc::Status::Ok();
  json volumes = json::array();
  for (const auto& value : values) {
    std::vector<std::string> split;
    size_t start = 0;
    for (size_t at; (at = value.find(':', start)) != std::string::npos; start = at + 1) {
      split.push_back(value.substr(start, at - start));
    }
    split.push_back(value.substr(start));
    if (split.size() < 2 || split.size() > 3) {
      return ukc::Status::InvalidArgument(
          "invalid syntax for -v|--volume: expected VOLUME:PATH[:ro]");
    }
    json volume = IdentityItem(split[0]);
    volume["at"] = split[1];
    volume["readonly"] = split.size() == 3 && split[2] == "ro";
    volumes.push_back(volume);
  }
  *out = volumes;
  return ukc::Status::Ok();
}

json Domains(const CreateFlags& flags) {
  json domains = json::array();
  if (!flags.subdomains.empty()) {
    for (std::string name : flags.subdomains) {
      if (name.empty()) continue;
      if (name.back() == '.') name.pop_back();
      domains.push_back({{"name", name}});
    }
    return domains;
  }
  for (size_t i = 0; i < flags.domains.size(); ++i) {
    if (flags.domains[i].empty()) continue;
    json domain = {{"name", flags.domains[i] + "."}};  // sic: always, even after a trailing '.'
    if (i < flags.certificates.size()) domain["certificate"] = IdentityItem(flags.certificates[i]);
    domains.push_back(domain);
  }
  return domains;
}

ukc::Status ServiceGroup(const CreateFlags& flags, std::optional<json>* out) {
  std::vector<ukc::api::ServicePort> services;
  if (ukc::Status s = ParsePortFlags(flags.ports, &services); !s.ok()) return s;
  json group = json::object();
  if (!services.empty()) group["services"] = ServicesJson(services);
  if (!flags.subdomains.empty() || !flags.domains.empty()) {
    group["domains"] = Domains(flags);
    if (!services.empty()) group["services"] = ServicesJson(services);
  }
  if (!group.empty()) *out = group;
  return ukc::Status::Ok();
}

// Only the options given are sent (the platform defaults the rest).
ukc::Status ScaleToZero(const CreateFlags& flags, std::optional<json>* out) {
  json s2z = json::object();
  if (flags.scale_to_zero_cooldown) {
    int64_t ms = 0;
    if (ukc::Status s = ParseGoDuration(*flags.scale_to_zero_cooldown, &ms); !s.ok()) {
      return ukc::Status::InvalidArgument(
          "invalid argument \"" + *flags.scale_to_zero_cooldown +
          "\" for \"--scale-to-zero-cooldown\" flag: " + s.message());
    }
    if (ms < 1) return ukc::Status::InvalidArgument("scale-to-zero cooldown must be at least 1ms");
    s2z["cooldown_time_ms"] = ms;
  }
  if (flags.scale_to_zero_stateful) s2z["stateful"] = true;
  if (flags.scale_to_zero) s2z["policy"] = *flags.scale_to_zero;
  if (!s2z.empty()) *out = s2z;
  return ukc::Status::Ok();
}

std::map<std::string, std::string> Env(const std::vector<std::string>& values,
                                       const EnvLookup& lookup) {
  std::map<std::string, std::string> env;
  for (const auto& value : values) {
    size_t eq = value.find('=');
    if (eq == std::string::npos) {
      env[value] = lookup(value);
    } else {
      env[value.substr(0, eq)] = value.substr(eq + 1);
    }
  }
  return env;
}

}  // namespace

std::string NormalizeImageName(std::string image) {
  if (image.find(':') == std::string::npos) image += ":latest";
  for (const std::string prefix : {"index.unikraft.io/", "official/"}) {
    if (image.rfind(prefix, 0) == 0) image = image.substr(prefix.size());
  }
  return image;
}

ukc::Status BuildCreateRequest(const CreateFlags& flags, const std::string& image_name,
                               const ukc::api::Image& image,
                               const std::vector<std::string>& app_args, const EnvLookup& env,
                               CreateRequestResult* out) {
  if (!flags.domains.empty() && !flags.certificates.empty() &&
      flags.domains.size() != flags.certificates.size()) {
    return ukc::Status::InvalidArgument("number of certificates does not match number of domains");
  }
  ukc::api::CreateInstanceRequest req;
  req.image = image_name;
  req.autostart = flags.start;
  req.restart_policy = flags.restart;
  for (const auto& feature : flags.features) {
    if (std::find(req.features.begin(), req.features.end(), feature) == req.features.end()) {
      req.features.push_back(feature);
    }
  }
  if (!flags.name.empty()) {
    std::string name = flags.name;
    std::replace(name.begin(), name.end(), '/', '-');
    req.name = name;
  }
  req.args = flags.entrypoint.empty() ? std::vector<std::string>{image.args} : flags.entrypoint;
  req.args->insert(req.args->end(), app_args.begin(), app_args.end());
  if (!flags.memory.empty()) {
    int mb = 0;
    if (ukc::Status s = ParseMemoryFlag(flags.memory, &mb); !s.ok()) return s;
    req.memory_mb = mb;
  } else {
    req.memory_mb = DefaultMemoryMb(image.size_in_bytes);
  }
  if (flags.replicas > 0) req.replicas = flags.replicas;
  if (flags.vcpus > 0) req.vcpus = flags.vcpus;
  req.env = Env(flags.env, env);
  if (ukc::Status s = ParseVolumes(flags.volumes, &req.volumes); !s.ok()) return s;
  if (!flags.service.empty()) {
    const char* error =
        !flags.ports.empty()     ? "cannot use existing --service|-g and define new --port|-p"
        : !flags.domains.empty() ? "cannot use existing --service|-g and define new --domain|-d"
        : !flags.certificates.empty()
            ? "cannot use existing --service-group|-g and define new --certificate|-c"
        : !flags.subdomains.empty()
            ? "cannot use existing --service-group|-g and define new --subdomain|-s"
            : nullptr;
    if (error) return ukc::Status::InvalidArgument(error);
    req.service_group = IdentityItem(flags.service);
  } else if (ukc::Status s = ServiceGroup(flags, &req.service_group); !s.ok()) {
    return s;
  }
  std::optional<json> s2z;
  if (ukc::Status s = ScaleToZero(flags, &s2z); !s.ok()) return s;
  out->scale_to_zero_disabled = flags.ports.empty() && flags.service.empty();
  if (out->scale_to_zero_disabled) s2z.reset();
  out->body = ukc::api::ToJson(req);
  if (s2z) out->body["scale_to_zero"] = *s2z;  // the subset given, not the struct's defaults
  return ukc::Status::Ok();
}

}  // namespace kraft
