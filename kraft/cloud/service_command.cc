#include "cloud/service_command.h"

#include <chrono>
#include <iostream>
#include <thread>

#include "api/service_group.h"
#include "api_client.h"
#include "cloud/instance_api.h"
#include "cloud/service_print.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;

ukc::Status GetGroups(ApiClient& api, const std::vector<std::string>& ids, ApiResponse* resp,
                      std::vector<ukc::api::ServiceGroup>* out) {
  ukc::Status s = api.Get("/services", ids.empty() ? "" : IdentityItems(ids).dump(), resp);
  out->clear();
  for (const auto& item : resp->items) out->push_back(ukc::api::ServiceGroupFromJson(item));
  return s;
}

int Show(const CloudFlags& flags, const std::vector<std::string>& ids, const std::string& format) {
  CloudConnection conn;
  ukc::Status s = ValidateFormat(format);
  if (s.ok()) s = Connect(flags, true, &conn);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  ApiResponse resp;
  std::vector<ukc::api::ServiceGroup> groups;
  s = GetGroups(api, ids, &resp, &groups);
  if (!s.ok() && format == "raw" && s.kind() == ukc::Status::Kind::kInternal) s = ukc::Status::Ok();
  if (!s.ok()) {
    bool item_errors = s.kind() == ukc::Status::Kind::kInternal;  // the envelope's own errors
    LogError(item_errors || !ids.empty() ? s.message()
                                         : "could not list service groups: " + s.message());
    return 1;
  }
  Table table;
  if (format != "raw") {
    if (s = ServiceTable(groups, format == "table", &table); !s.ok()) {
      LogError(s.message());
      return 1;
    }
  }
  Render(format, table, resp.body, std::cout);
  return 0;
}

// Polls until none of the groups has instances attached (kraft polls once a second).
ukc::Status WaitEmpty(ApiClient& api, const std::vector<std::string>& ids) {
  while (true) {
    ApiResponse resp;
    std::vector<ukc::api::ServiceGroup> groups;
    if (ukc::Status s = GetGroups(api, ids, &resp, &groups); !s.ok()) return s;
    bool empty = true;
    for (const auto& g : groups) empty = empty && g.instances.empty();
    if (empty) return ukc::Status::Ok();
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

struct RemoveFlags {
  bool all = false, wait_empty = false;
};

int Remove(const CloudFlags& cloud, const RemoveFlags& f, std::vector<std::string> ids) {
  if (!f.all && ids.empty()) {
    LogError("either specify a service group name or UUID, or use the --all flag");
    return 1;
  }
  if (f.all && !ids.empty()) {
    LogError("cannot specify service groups and use --all together");
    return 1;
  }
  CloudConnection conn;
  if (ukc::Status s = Connect(cloud, true, &conn); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  ukc::Status s;
  if (f.all) {
    ApiResponse resp;
    std::vector<ukc::api::ServiceGroup> groups;
    if (s = GetGroups(api, {}, &resp, &groups); !s.ok()) {
      LogError("could not list service groups: " + s.message());
      return 1;
    }
    for (const auto& g : groups) ids.push_back(g.uuid);
    if (ids.empty()) {
      LogInfo("no service groups found");
      return 0;
    }
  }
  std::string what = "removing " + std::to_string(ids.size()) + " service group(s)";
  LogInfo(what);
  if (f.wait_empty) s = WaitEmpty(api, ids);
  ApiResponse resp;
  if (s.ok()) s = api.Delete("/services", IdentityItems(ids).dump(), &resp);
  if (!s.ok()) {
    LogError(what + ": " + s.message());
    return 1;
  }
  return 0;
}

}  // namespace

void AddServiceCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code) {
  CLI::App* service = cloud.add_subcommand("service", "Manage services on Unikraft Cloud");
  for (const char* alias : {"services", "svc"}) service->alias(alias);
  service->require_subcommand(1);
  AddServiceCreateCommand(*service, flags, exit_code);

  CLI::App* list = service->add_subcommand("list", "List services");
  list->alias("ls");
  auto list_format = std::make_shared<std::string>("table");
  list->add_option("-o,--output", *list_format,
                   "Set output format. Options: table,yaml,json,list,raw");
  list->callback([=, &flags] { *exit_code = Show(flags, {}, *list_format); });

  CLI::App* get = service->add_subcommand("get", "Retrieve the state of services");
  get->alias("gt");
  auto get_format = std::make_shared<std::string>("list");
  auto ids = std::make_shared<std::vector<std::string>>();
  get->add_option("-o,--output", *get_format,
                  "Set output format. Options: table,yaml,json,list,raw");
  get->add_option("ids", *ids, "UUID|NAME")->required();
  get->callback([=, &flags] { *exit_code = Show(flags, *ids, *get_format); });

  CLI::App* remove = service->add_subcommand("remove", "Delete services");
  for (const char* alias : {"delete", "del", "rm"}) remove->alias(alias);
  auto f = std::make_shared<RemoveFlags>();
  auto remove_ids = std::make_shared<std::vector<std::string>>();
  remove->add_flag("-a,--all", f->all, "Remove all services");
  remove->add_flag("--wait-empty", f->wait_empty,
                   "Wait for the service to have no instances before removing it");
  remove->add_option("ids", *remove_ids, "UUID|NAME…");
  remove->callback([=, &flags] { *exit_code = Remove(flags, *f, *remove_ids); });
}

}  // namespace kraft
