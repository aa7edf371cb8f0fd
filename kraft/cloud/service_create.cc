// `kraft cloud service create` (service_command.h).
#include <iostream>

#include "api/service_group.h"
#include "api_client.h"
#include "cloud/instance_api.h"
#include "cloud/port_flags.h"
#include "cloud/service_command.h"
#include "cloud/service_print.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;

struct ServiceCreateFlags {
  std::string name, output = "table";
  std::vector<std::string> domains, certificates, subdomains, ports;
  std::optional<int> soft_limit, hard_limit;
};

ukc::Status BuildRequest(const ServiceCreateFlags& f, json* out) {
  if (f.soft_limit && f.hard_limit && *f.soft_limit > *f.hard_limit) {
    return ukc::Status::InvalidArgument("soft limit must be less than or equal to hard limit");
  }
  if (!f.certificates.empty() && f.certificates.size() != f.domains.size()) {
    return ukc::Status::InvalidArgument("number of certificates does not match number of domains");
  }
  ukc::api::CreateServiceGroupRequest req;
  if (!f.name.empty()) req.name = f.name;
  req.soft_limit = f.soft_limit;
  req.hard_limit = f.hard_limit;
  if (ukc::Status s = ParsePortFlags(f.ports, &req.services); !s.ok()) return s;
  for (std::string name : f.subdomains) {
    if (name.empty()) continue;
    if (name.back() == '.') name.pop_back();
    req.domains.push_back({name, std::nullopt});
  }
  for (size_t i = 0; i < f.domains.size(); ++i) {
    if (f.domains[i].empty()) continue;
    ukc::api::CreateDomain domain{f.domains[i] + ".", std::nullopt};  // sic: always appended
    if (i < f.certificates.size()) {
      json ref = IdentityItem(f.certificates[i]);
      domain.certificate = ukc::api::ObjectRef{ref.value("uuid", ""), ref.value("name", "")};
    }
    req.domains.push_back(std::move(domain));
  }
  *out = ukc::api::ToJson(req);
  (*out)["services"] = ServicesJson(req.services);  // handlers omitted when none, as kraft does
  return ukc::Status::Ok();
}

int Create(const CloudFlags& cloud, const ServiceCreateFlags& f) {
  CloudConnection conn;
  json body;
  ukc::Status s = ValidateFormat(f.output);
  if (s.ok()) s = BuildRequest(f, &body);
  if (s.ok()) s = Connect(cloud, true, &conn);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  ApiResponse created, got;
  if (s = api.Post("/services", body.dump(), &created); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  std::string uuid = created.items.empty() ? "" : created.items[0].value("uuid", "");
  s = api.Get("/services", json::array({{{"uuid", uuid}}}).dump(), &got);
  std::vector<ukc::api::ServiceGroup> groups;
  for (const auto& item : got.items) groups.push_back(ukc::api::ServiceGroupFromJson(item));
  Table table;
  if (s.ok() && f.output != "raw") s = ServiceTable(groups, f.output == "table", &table);
  if (!s.ok()) {
    LogError("getting details of service " + uuid + ": " + s.message());
    return 1;
  }
  Render(f.output, table, got.body, std::cout);
  return 0;
}

}  // namespace

void AddServiceCreateCommand(CLI::App& service, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = service.add_subcommand("create", "Create a service");
  cmd->alias("new");
  auto f = std::make_shared<ServiceCreateFlags>();
  auto slice = [&](const char* name, std::vector<std::string>& target, const char* help) {
    cmd->add_option(name, target, help)->delimiter(',')->allow_extra_args(false);
  };
  cmd->add_option("-n,--name", f->name, "Name of the service");
  slice("-d,--domain", f->domains, "Domain names to use for the service");
  slice("-c,--certificate", f->certificates, "Certificates to use for the domains");
  slice("-s,--subdomain", f->subdomains, "Subdomains to use for the service");
  cmd->add_option("-l,--soft-limit", f->soft_limit, "Set the soft limit")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("-L,--hard-limit", f->hard_limit, "Set the hard limit")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("-o,--output", f->output, "Set output format. Options: table,yaml,json,list,raw");
  cmd->add_option("ports", f->ports, "EXTERNAL:INTERNAL[/HANDLER]…")->required();
  cmd->callback([=, &flags] { *exit_code = Create(flags, *f); });
}

}  // namespace kraft
