#include "cloud/instance_lifecycle.h"

#include <functional>

#include "cloud/instance_api.h"
#include "go_duration.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;

struct LifecycleFlags {
  bool all = false, force = false, stopped = false;
  std::string wait, drain_timeout;  // Go durations, "" when not given
};

// The instances an --all / --stopped run acts on, by UUID.
ukc::Status ListUuids(ApiClient& api, bool only_stopped, std::vector<std::string>* uuids) {
  ApiResponse resp;
  std::vector<ukc::api::Instance> instances;
  if (ukc::Status s = GetInstances(api, {}, &resp, &instances); !s.ok()) {
    return ukc::Status::Internal("could not list instances: " + s.message());
  }
  for (const auto& i : instances) uuids->push_back(i.uuid);
  if (only_stopped && !uuids->empty()) {  // kraft re-reads them by UUID to see their state
    if (ukc::Status s = GetInstances(api, *uuids, &resp, &instances); !s.ok()) {
      return ukc::Status::Internal("could not get instances: " + s.message());
    }
    uuids->clear();
    for (const auto& i : instances) {
      if (i.state == ukc::api::kStateStopped) uuids->push_back(i.uuid);
    }
  }
  return ukc::Status::Ok();
}

ukc::Status DurationFlag(const std::string& name, const std::string& value, int64_t* ms) {
  *ms = 0;
  if (value.empty()) return ukc::Status::Ok();
  ukc::Status s = ParseGoDuration(value, ms);
  if (!s.ok()) {
    return ukc::Status::InvalidArgument("invalid argument \"" + value + "\" for \"" + name +
                                        "\" flag: " + s.message());
  }
  return ukc::Status::Ok();
}

struct Verb {
  const char* ing;   // "starting", in " i  starting N instance(s)"
  const char* base;  // "start", in " i  no instances to start"
};

using SendBatch = std::function<ukc::Status(ApiClient&, const std::vector<std::string>&)>;

// Runs one lifecycle command: connect, resolve the targets, log, send the batch.
int Run(const CloudFlags& cloud, const LifecycleFlags& f, std::vector<std::string> ids, Verb verb,
        const SendBatch& send) {
  CloudConnection conn;
  ukc::Status s = Connect(cloud, true, &conn);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  if (f.all || f.stopped) {
    ids.clear();
    if (s = ListUuids(api, f.stopped, &ids); !s.ok()) {
      LogError(s.message());
      return 1;
    }
    if (ids.empty()) {
      LogInfo(std::string("no instances to ") + verb.base);
      return 0;
    }
  }
  std::string what = std::string(verb.ing) + " " + std::to_string(ids.size()) + " instance(s)";
  LogInfo(what);
  if (s = send(api, ids); !s.ok()) {
    LogError(what + ": " + s.message());
    return 1;
  }
  return 0;
}

int Start(const CloudFlags& cloud, const LifecycleFlags& f, const std::vector<std::string>& ids) {
  int64_t wait_ms = 0;
  ukc::Status s = DurationFlag("--wait", f.wait, &wait_ms);
  if (s.ok() && !f.wait.empty() && wait_ms < 1) {
    s = ukc::Status::InvalidArgument("wait timeout must be at least 1ms");
  }
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  return Run(cloud, f, ids, {"starting", "start"},
             [&](ApiClient& api, const std::vector<std::string>& t) {
               json body = IdentityItems(t);
               for (auto& item : body) {
                 if (wait_ms > 0) item["wait_timeout_ms"] = wait_ms;
               }
               ApiResponse resp;
               return api.Put("/instances/start", body.dump(), &resp);
             });
}

int Stop(const CloudFlags& cloud, LifecycleFlags f, const std::vector<std::string>& ids) {
  if (!f.all && ids.empty()) {
    LogError("either specify an instance UUID or --all flag");
    return 1;
  }
  if (!f.drain_timeout.empty() && !f.wait.empty()) {
    LogError("drain-timeout and wait flags are mutually exclusive");
    return 1;
  }
  if (!f.drain_timeout.empty()) {
    LogWarn("drain timeout is deprecated, use wait instead");
    f.wait = f.drain_timeout;
  }
  int64_t wait_ms = 0;
  ukc::Status s = DurationFlag("--wait", f.wait, &wait_ms);
  if (s.ok() && !f.wait.empty() && wait_ms < 1) {
    s = ukc::Status::InvalidArgument("drain wait timeout must be at least 1ms");
  }
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  return Run(cloud, f, ids, {"stopping", "stop"},
             [&](ApiClient& api, const std::vector<std::string>& t) {
               json body = IdentityItems(t);
               for (auto& item : body) {
                 item["force"] = f.force;
                 if (wait_ms > 0) item["drain_timeout_ms"] = wait_ms;
               }
               ApiResponse resp;
               return api.Put("/instances/stop", body.dump(), &resp);
             });
}

int Remove(const CloudFlags& cloud, const LifecycleFlags& f, const std::vector<std::string>& ids) {
  const char* error = nullptr;
  if (!f.stopped && !f.all && ids.empty()) {
    error = "either specify an instance name or UUID, or use the --all flag";
  } else if (f.stopped && f.all) {
    error = "cannot use --stopped and --all together";
  } else if (f.stopped && !ids.empty()) {
    error = "cannot specify instances and use --stopped together";
  } else if (f.all && !ids.empty()) {
    error = "cannot specify instances and use --all together";
  }
  if (error) {
    LogError(error);
    return 1;
  }
  return Run(cloud, f, ids, {"removing", "remove"},
             [](ApiClient& api, const std::vector<std::string>& t) {
               ApiResponse resp;
               return api.Delete("/instances", IdentityItems(t).dump(), &resp);
             });
}

}  // namespace

void AddInstanceStartCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = instance.add_subcommand("start", "Start instances");
  cmd->alias("str");
  auto f = std::make_shared<LifecycleFlags>();
  auto ids = std::make_shared<std::vector<std::string>>();
  cmd->add_flag("-a,--all", f->all, "Start all instances");
  cmd->add_option("-w,--wait", f->wait, "Timeout to wait for the instance to start (ms/s/m/h)");
  cmd->add_option("ids", *ids, "UUID|NAME…")->required();
  cmd->callback([=, &flags] { *exit_code = Start(flags, *f, *ids); });
}

void AddInstanceStopCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = instance.add_subcommand("stop", "Stop instances");
  cmd->alias("st");
  auto f = std::make_shared<LifecycleFlags>();
  auto ids = std::make_shared<std::vector<std::string>>();
  cmd->add_flag("-a,--all", f->all, "Stop all instances");
  cmd->add_flag("-f,--force", f->force, "Force stop the instance(s)");
  cmd->add_option("-w,--wait", f->wait, "Timeout for the instance to stop (ms/s/m/h)");
  cmd->add_option("-d,--drain-timeout", f->drain_timeout,
                  "Time to wait for the instance to drain all connections (deprecated: --wait)");
  cmd->add_option("ids", *ids, "UUID|NAME…");
  cmd->callback([=, &flags] { *exit_code = Stop(flags, *f, *ids); });
}

void AddInstanceRemoveCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = instance.add_subcommand("remove", "Remove instances");
  for (const char* alias : {"del", "delete", "rm"}) cmd->alias(alias);
  auto f = std::make_shared<LifecycleFlags>();
  auto ids = std::make_shared<std::vector<std::string>>();
  cmd->add_flag("-a,--all", f->all, "Remove all instances");
  cmd->add_flag("-s,--stopped", f->stopped, "Remove all stopped instances");
  cmd->add_option("ids", *ids, "UUID|NAME…");
  cmd->callback([=, &flags] { *exit_code = Remove(flags, *f, *ids); });
}

}  // namespace kraft
