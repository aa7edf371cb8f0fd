#include "cloud/scale_command.h"

#include <iostream>
#include <memory>

#include "api/autoscale.h"
#include "api/service_group.h"
#include "api_client.h"
#include "cloud/instance_api.h"
#include "cloud/scale_flags.h"
#include "cloud/scale_print.h"
#include "go_duration.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;
using ukc::Status;

int Fail(const std::string& message) {
  LogError(message);
  return 1;
}

// A connected client and the group's UUID (a name is looked up as kraftkit does).
Status Open(const CloudFlags& flags, const std::string& id, std::unique_ptr<ApiClient>* api,
            std::string* uuid, ukc::api::ServiceGroup* group = nullptr) {
  CloudConnection conn;
  if (Status s = Connect(flags, true, &conn); !s.ok()) return s;
  *api = std::make_unique<ApiClient>(conn.base_url, conn.auth.token);
  *uuid = id;
  if (IsUuid(id) && !group) return Status::Ok();
  ApiResponse resp;
  Status s = (*api)->Get("/services", IdentityItems({id}).dump(), &resp);
  if (s.ok() && resp.items.empty()) s = Status::NotFound("no service group found");
  if (!s.ok()) return Status::NotFound("could not get configuration: " + s.message());
  ukc::api::ServiceGroup g = ukc::api::ServiceGroupFromJson(resp.items[0]);
  *uuid = g.uuid;
  if (group) *group = std::move(g);
  return Status::Ok();
}

struct InitFlags {
  std::string master, warmup = "1s", cooldown = "1s";
  int min_size = 0, max_size = 10;
};

int Init(const CloudFlags& flags, const InitFlags& f, const std::string& id) {
  int64_t warmup = 0, cooldown = 0;
  if (Status s = ParseGoDuration(f.warmup, &warmup); !s.ok()) return Fail(s.message());
  if (Status s = ParseGoDuration(f.cooldown, &cooldown); !s.ok()) return Fail(s.message());
  if (warmup < 1) return Fail("warmup time must be at least 1ms");
  if (cooldown < 1) return Fail("cooldown time must be at least 1ms");
  std::unique_ptr<ApiClient> api;
  ukc::api::CreateAutoscaleRequest q;
  ukc::api::ServiceGroup group;
  if (Status s = Open(flags, id, &api, &q.service.uuid, f.master.empty() ? &group : nullptr);
      !s.ok()) {
    return Fail(s.message());
  }
  if (f.master.empty()) {
    if (group.instances.empty()) return Fail("no instance found in service group");
    if (group.instances.size() > 1) {
      return Fail("specify an instance master UUID or name via --master");
    }
    q.master = ukc::api::ObjectRef{group.instances[0].uuid, ""};
  } else {
    q.master =
        IsUuid(f.master) ? ukc::api::ObjectRef{f.master, ""} : ukc::api::ObjectRef{"", f.master};
  }
  if (f.min_size > 0) q.min_size = f.min_size;
  if (f.max_size > 0) q.max_size = f.max_size;
  q.warmup_time_ms = static_cast<int>(warmup);
  q.cooldown_time_ms = static_cast<int>(cooldown);
  ApiResponse resp;
  if (Status s = api->Post("/services/autoscale", ukc::api::ToWireText(q), &resp); !s.ok()) {
    return Fail("could not create configuration: " + s.message());
  }
  return 0;
}

int Add(const CloudFlags& flags, const ScaleAddFlags& f, const std::string& id) {
  ukc::api::AutoscalePolicy policy;
  if (f.name.empty()) return Fail("specify a policy name");
  if ((f.type == "step" && f.steps.empty()) || f.steps.size() > 4) {
    return Fail("specify between 1 and 4 steps: got " + std::to_string(f.steps.size()));
  }
  std::unique_ptr<ApiClient> api;
  std::string uuid;
  if (Status s = Open(flags, id, &api, &uuid); !s.ok()) return Fail(s.message());
  if (Status s = BuildScalePolicy(f, &policy); !s.ok()) return Fail(s.message());
  ApiResponse resp;
  Status s =
      api->Post("/services/" + uuid + "/autoscale/policies", ukc::api::ToWireText(policy), &resp);
  if (!s.ok()) return Fail("could not add configuration: " + s.message());
  return 0;
}

int Get(const CloudFlags& flags, const std::string& policy, const std::string& format,
        const std::string& id) {
  if (Status s = ValidateFormat(format); !s.ok()) return Fail(s.message());
  std::unique_ptr<ApiClient> api;
  std::string uuid;
  if (Status s = Open(flags, id, &api, &uuid); !s.ok()) return Fail(s.message());
  ApiResponse resp;
  if (!policy.empty()) {
    Status s = api->Get("/services/" + uuid + "/autoscale/policies/" + policy, "", &resp);
    if (s.ok() && resp.items.empty()) s = Status::NotFound("no policy found");
    if (!s.ok()) return Fail("could not get configuration: " + s.message());
    std::cout << PolicyText(resp.items[0], format) << "\n";
    return 0;
  }
  Status s = api->Get("/services/autoscale", IdentityItems({uuid}).dump(), &resp);
  if (!s.ok() && !(format == "raw" && s.kind() == Status::Kind::kInternal)) {
    return Fail("could not get configuration: " + s.message());
  }
  if (format == "raw") {
    std::cout << resp.body;
    return 0;
  }
  if (resp.items.empty()) return Fail("could not get configuration: no configuration found");
  auto config = ukc::api::AutoscaleConfigFromJson(resp.items[0]);
  Render(format.empty() ? "list" : format, ScaleConfigTable(config, format == "table"), resp.body,
         std::cout);
  return 0;
}

int RemovePolicy(const CloudFlags& flags, const std::string& uuid, const std::string& name) {
  if (!IsUuid(uuid)) return Fail("specify a valid service group UUID");
  std::unique_ptr<ApiClient> api;
  std::string id;
  if (Status s = Open(flags, uuid, &api, &id); !s.ok()) return Fail(s.message());
  ApiResponse resp;
  if (Status s = api->Delete("/services/" + uuid + "/autoscale/policies/" + name, "", &resp);
      !s.ok()) {
    return Fail("could not delete policy: " + s.message());
  }
  return 0;
}

int Reset(const CloudFlags& flags, const std::string& id) {
  CloudConnection conn;
  if (Status s = Connect(flags, true, &conn); !s.ok()) return Fail(s.message());
  ApiResponse resp;
  Status s = ApiClient(conn.base_url, conn.auth.token)
                 .Delete("/services/autoscale", IdentityItems({id}).dump(), &resp);
  if (!s.ok()) return Fail("could not reset configuration: " + s.message());
  return 0;
}

}  // namespace

void AddScaleCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code) {
  CLI::App* scale = cloud.add_subcommand("scale", "Manage instance autoscale on Unikraft Cloud");
  for (const char* alias : {"autoscale", "scl"}) scale->alias(alias);
  scale->require_subcommand(1);

  CLI::App* init =
      scale->add_subcommand("initialize", "Initialize autoscale configuration for a service group");
  for (const char* alias : {"init", "initialise", "i"}) init->alias(alias);
  auto fi = std::make_shared<InitFlags>();
  auto init_id = std::make_shared<std::string>();
  init->add_option("-i,--master", fi->master, "The UUID or Name of the master instance");
  init->add_option("-m,--min-size", fi->min_size, "The minimum size of the configuration");
  init->add_option("-M,--max-size", fi->max_size, "The maximum size of the configuration");
  init->add_option("-w,--warmup-time", fi->warmup, "The warmup time of the config (ms/s/m/h)");
  init->add_option("-c,--cooldown-time", fi->cooldown,
                   "The cooldown time of the config (ms/s/m/h)");
  init->add_option("id", *init_id, "NAME|UUID")->required();
  init->callback([=, &flags] { *exit_code = Init(flags, *fi, *init_id); });

  CLI::App* add = scale->add_subcommand("add", "Add an autoscale configuration policy");
  add->alias("a");
  auto fa = std::make_shared<ScaleAddFlags>();
  auto add_id = std::make_shared<std::string>();
  add->add_option("-n,--name", fa->name, "The name of the policy");
  add->add_option("-t,--type", fa->type, "The type of the policy: step, on_demand");
  add->add_option("-m,--metric", fa->metric, "The metric of the policy: cpu");
  add->add_option("-a,--adjustment", fa->adjustment,
                  "The adjustment of the policy: percent, absolute, change");
  add->add_option("-s,--step", fa->steps,
                  "The step of the policy in the format 'LOWER_BOUND:UPPER_BOUND/ADJUSTMENT'")
      ->delimiter(',')
      ->allow_extra_args(false);
  add->add_option("id", *add_id, "UUID|NAME")->required();
  add->callback([=, &flags] { *exit_code = Add(flags, *fa, *add_id); });

  CLI::App* get = scale->add_subcommand("get", "Get an autoscale configuration or policy");
  get->alias("gt");
  auto policy = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("list");
  auto get_id = std::make_shared<std::string>();
  get->add_option("-p,--policy", *policy, "Get a policy instead of a configuration");
  get->add_option("-o,--output", *format, "Output format");
  get->add_option("id", *get_id, "UUID|NAME")->required();
  get->callback([=, &flags] { *exit_code = Get(flags, *policy, *format, *get_id); });

  CLI::App* remove = scale->add_subcommand("remove", "Delete an autoscale configuration policy");
  for (const char* alias : {"delete", "del", "rm"}) remove->alias(alias);
  auto remove_args = std::make_shared<std::vector<std::string>>();
  remove->add_option("args", *remove_args, "UUID NAME")->required()->expected(2);
  remove->callback(
      [=, &flags] { *exit_code = RemovePolicy(flags, (*remove_args)[0], (*remove_args)[1]); });

  CLI::App* reset =
      scale->add_subcommand("reset", "Reset autoscale configuration of a service group");
  for (const char* alias : {"rs", "delconfig", "deinit", "rmconfig"}) reset->alias(alias);
  auto reset_id = std::make_shared<std::string>();
  reset->add_option("id", *reset_id, "UUID|NAME")->required();
  reset->callback([=, &flags] { *exit_code = Reset(flags, *reset_id); });
}

}  // namespace kraft
