#include "cloud/instance_get.h"

#include <iostream>

#include "cloud/instance_api.h"
#include "cloud/instance_print.h"
#include "log.h"

namespace kraft {
namespace {

// "[a b]": how Go's %s prints the argument slice in kraft's error.
std::string GoSlice(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? " " : "") + ids[i];
  return out + "]";
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
  std::vector<ukc::api::Instance> instances;
  s = GetInstances(api, ids, &resp, &instances);
  if (!s.ok() && format == "raw" && s.kind() == ukc::Status::Kind::kInternal) s = ukc::Status::Ok();
  if (!s.ok()) {
    bool item_errors = s.kind() == ukc::Status::Kind::kInternal;  // the envelope's own errors
    if (item_errors) {
      LogError(s.message());
    } else if (ids.empty()) {
      LogError("could not list instances: " + s.message());
    } else {
      LogError("could not get instance " + GoSlice(ids) + ": " + s.message());
    }
    return 1;
  }
  Table table;
  if (format != "raw") {
    if (s = InstanceTable(instances, format == "table", &table); !s.ok()) {
      LogError(s.message());
      return 1;
    }
  }
  Render(format, table, resp.body, std::cout);
  return 0;
}

}  // namespace

void AddInstanceListCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* list = instance.add_subcommand("list", "List instances");
  list->alias("ls");
  auto format = std::make_shared<std::string>("table");
  list->add_option("-o,--output", *format, "Set output format. Options: table,yaml,json,list,raw");
  list->callback([=, &flags] { *exit_code = Show(flags, {}, *format); });
}

void AddInstanceGetCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* get = instance.add_subcommand("get", "Retrieve the state of instances");
  get->alias("status");
  get->alias("info");
  auto format = std::make_shared<std::string>("list");
  auto ids = std::make_shared<std::vector<std::string>>();
  get->add_option("-o,--output", *format, "Set output format. Options: table,yaml,json,list,raw");
  get->add_option("ids", *ids, "UUID|NAME…")->required();
  get->callback([=, &flags] { *exit_code = Show(flags, *ids, *format); });
}

}  // namespace kraft
