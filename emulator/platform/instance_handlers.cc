// /v1/instances endpoints (ukc-api.md §4): routing, request shapes of every client generation,
// and the response items. The work is done by the InstanceController. Logs and metrics are in
// instance_log_handlers.cc.
#include "api/envelope.h"
#include "api/service_group.h"
#include "platform/api_service.h"
#include "platform/instance_targets.h"

namespace ukc::platform {

using nlohmann::json;

namespace {

constexpr int64_t kForeverMs = 3600 * 1000;  // "-1 = largest possible" waits

std::chrono::steady_clock::time_point DeadlineAfter(int64_t ms) {
  if (ms < 0 || ms > kForeverMs) ms = kForeverMs;
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

// Milliseconds to wait from wait_timeout_ms / timeout_s (G3 rounds up to seconds): 0 = no wait.
int64_t WaitMs(const json& params) {
  int64_t ms = params.value("wait_timeout_ms", int64_t{0});
  if (ms == 0 && params.contains("timeout_s")) ms = params["timeout_s"].get<int64_t>() * 1000;
  return ms;
}

// G3 pagination of a list-all: `order` asc|desc (creation order), `from` (a UUID: start after
// it, as the JS SDK pages; or an RFC3339 creation time: start there), `count` (0 = all).
bool Paginate(ApiCall& call, std::vector<api::Instance> all, std::vector<api::Instance>* out) {
  std::string order = call.ex.Query("order");
  if (!order.empty() && order != "asc" && order != "desc") {
    call.Fail(400, "Invalid order '" + order + "' (asc or desc)");
    return false;
  }
  if (order == "desc") std::reverse(all.begin(), all.end());
  size_t first = 0;
  if (std::string from = call.ex.Query("from"); !from.empty()) {
    bool by_uuid = IsUuid(from);
    first = all.size();
    for (size_t i = 0; i < all.size(); ++i) {
      bool here = by_uuid
                      ? all[i].uuid == from
                      : (order == "desc" ? all[i].created_at <= from : all[i].created_at >= from);
      if (here) {
        first = by_uuid ? i + 1 : i;
        break;
      }
    }
  }
  int64_t count = 0;
  if (std::string text = call.ex.Query("count"); !text.empty()) {
    char* end = nullptr;
    count = std::strtoll(text.c_str(), &end, 10);
    if (*end != '\0' || count < 0) {
      call.Fail(400, "Query parameter 'count' must be a non-negative integer");
      return false;
    }
  }
  size_t last = count > 0 ? std::min(all.size(), first + static_cast<size_t>(count)) : all.size();
  out->assign(all.begin() + static_cast<ptrdiff_t>(std::min(first, all.size())),
              all.begin() + static_cast<ptrdiff_t>(std::max(first, last)));
  return true;
}

}  // namespace

void ApiService::RouteInstances(Call& call, const std::string& rest) {
  std::vector<std::string> parts;
  for (size_t i = 1; i <= rest.size();) {
    size_t slash = rest.find('/', i);
    if (slash == std::string::npos) slash = rest.size();
    parts.push_back(rest.substr(i, slash - i));
    i = slash + 1;
  }
  std::string_view method = call.ex.method();
  static const std::set<std::string> kGlobalActions = {"start", "stop", "wait", "log", "metrics"};
  std::string id, action;
  if (parts.size() == 1 && parts[0] != "list" && !kGlobalActions.count(parts[0])) {
    id = parts[0];
  } else if (parts.size() == 1) {
    action = parts[0];
  } else if (parts.size() == 2) {
    id = parts[0];
    action = parts[1];
  } else if (parts.size() > 2) {
    return call.Fail(404, "No API endpoint");
  }
  if (action.empty() || action == "list") {
    if (method == "GET") return GetInstances(call, id);
    if (action.empty() && method == "DELETE") return DeleteInstances(call, id);
    if (action.empty() && id.empty() && method == "POST") return CreateInstances(call);
  } else if (action == "start" && method == "PUT") {
    return StartInstances(call, id);
  } else if (action == "stop" && method == "PUT") {
    return StopInstances(call, id);
  } else if (action == "wait" && (method == "GET" || method == "PUT")) {
    return WaitInstances(call, id);
  } else if (action == "log" && method == "GET") {
    return InstanceLogs(call, id);
  } else if (action == "metrics" && method == "GET") {
    return InstanceMetrics(call, id);
  }
  call.Fail(404, "No API endpoint");
}

void ApiService::CreateInstances(Call& call) {
  json body;
  if (!call.ReadJson(&body)) return;
  api::CreateInstanceRequest request;
  std::string error, unsupported;
  if (!api::ParseCreateInstanceRequest(body, &request, &error, &unsupported)) {
    return call.Fail(400, error);
  }
  if (unsupported.empty() && request.volumes && !request.volumes->empty()) unsupported = "volumes";
  if (!unsupported.empty()) {
    return call.RespondItems(
        "instances",
        json::array({api::ItemError(api::ErrorCode::kNotSupported,
                                    "'" + unsupported + "' is not supported by ukc-emu")}));
  }
  std::vector<api::Instance> created;
  Status s = instances_->Create(call.user, request, &created);
  if (!s.ok()) {
    json identity = request.name ? json{{"name", *request.name}} : json::object();
    return call.RespondItems(
        "instances", json::array({api::ItemError(ItemErrorCode(s), s.message(), identity)}));
  }
  int64_t wait_ms = request.wait_timeout_ms.value_or(request.timeout_s.value_or(0) * 1000);
  if (wait_ms != 0) {
    std::vector<std::string> uuids;
    for (const auto& i : created) uuids.push_back(i.uuid);
    std::vector<bool> reached;
    instances_->Wait(call.user, uuids, api::kStateRunning, DeadlineAfter(wait_ms), &created,
                     &reached);
  }
  json items = json::array();
  for (const auto& i : created) {
    json item = {{"status", "success"},
                 {"uuid", i.uuid},
                 {"name", i.name},
                 {"private_fqdn", i.private_fqdn},
                 {"private_ip", i.private_ip},
                 {"state", i.state}};
    if (wait_ms != 0) item["boot_time_us"] = i.boot_time_us;
    // Only when the request named one (§4.1).
    if (request.service_group && i.service_group) {
      item["service_group"] = api::ToJson(*i.service_group);
    }
    items.push_back(std::move(item));
  }
  call.RespondItems("instances", std::move(items));
}

void ApiService::GetInstances(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  bool all = false;
  if (!ReadTargets(call, path_id, &targets, &all)) return;
  bool details = call.ex.Query("details") != "false";
  auto render = [&](const api::Instance& i) {
    return details ? api::ToJson(i) : json{{"uuid", i.uuid}, {"name", i.name}};
  };
  json items = json::array();
  bool paginated =
      call.ex.HasQuery("count") || call.ex.HasQuery("from") || call.ex.HasQuery("order");
  if (all && details && !paginated) {  // the common list-all: cached per-instance texts
    std::string text = R"({"status":"success","data":{"instances":)" +
                       instances_->ListJson(call.user) + R"(},"op_time_us":)" +
                       std::to_string(call.elapsed_us()) + "}";
    call.ex.Respond(200, {{"Content-Type", "application/json"}}, std::move(text));
    return;
  }
  if (all) {
    std::vector<api::Instance> list;
    if (!Paginate(call, instances_->List(call.user), &list)) return;
    for (const auto& i : list) items.push_back(render(i));
    return call.RespondItems("instances", std::move(items));
  }
  for (const auto& t : targets) {
    api::Instance i;
    Status s = t.error ? Status::Ok() : instances_->Get(call.user, t.uuid, t.name, &i);
    if (t.error) {
      items.push_back(*t.error);
    } else if (!s.ok()) {
      items.push_back(ItemFailure(s, t));
    } else {
      json item = render(i);
      item["status"] = "success";
      items.push_back(std::move(item));
    }
  }
  call.RespondItems("instances", std::move(items));
}

void ApiService::DeleteInstances(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  if (!NamedTargets(call, path_id, {"timeout_s"}, &targets)) return;
  json items = json::array();
  for (const auto& t : targets) {
    if (t.error) {
      items.push_back(*t.error);
      continue;
    }
    std::string previous;
    api::Instance i;
    Status s = instances_->Delete(call.user, t.uuid, t.name, &previous, &i);
    items.push_back(s.ok() ? json{{"status", "success"},
                                  {"uuid", i.uuid},
                                  {"name", i.name},
                                  {"previous_state", previous}}
                           : ItemFailure(s, t));
  }
  call.RespondItems("instances", std::move(items));
}

void ApiService::StartInstances(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  if (!NamedTargets(call, path_id, {"wait_timeout_ms", "timeout_s"}, &targets)) return;
  json items = json::array();
  for (const auto& t : targets) {
    if (t.error) {
      items.push_back(*t.error);
      continue;
    }
    std::string previous;
    api::Instance i;
    Status s = instances_->Start(call.user, t.uuid, t.name, &previous, &i);
    if (!s.ok()) {
      items.push_back(ItemFailure(s, t));
      continue;
    }
    if (int64_t wait_ms = WaitMs(t.params); wait_ms != 0) {
      std::vector<api::Instance> now;
      std::vector<bool> reached;
      instances_->Wait(call.user, {i.uuid}, api::kStateRunning, DeadlineAfter(wait_ms), &now,
                       &reached);
      if (!reached[0]) {
        items.push_back(api::ItemError(api::ErrorCode::kTimedOut,
                                       "Timed out waiting for the instance to be running",
                                       {{"uuid", i.uuid}, {"name", i.name}}));
        continue;
      }
      i = now[0];
    }
    items.push_back({{"status", "success"},
                     {"uuid", i.uuid},
                     {"name", i.name},
                     {"state", i.state},
                     {"previous_state", previous}});
  }
  call.RespondItems("instances", std::move(items));
}

void ApiService::StopInstances(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  if (!NamedTargets(call, path_id, {"force", "drain_timeout_ms", "quick", "ifstate"}, &targets)) {
    return;
  }
  json items = json::array();
  for (const auto& t : targets) {
    if (t.error) {
      items.push_back(*t.error);
      continue;
    }
    StopOptions options{t.params.value("force", false), t.params.value("drain_timeout_ms", 0L)};
    std::string previous;
    api::Instance i;
    Status s;
    if (t.params.contains("ifstate")) {  // G3: stop only when in that state
      s = instances_->Get(call.user, t.uuid, t.name, &i);
      previous = i.state;
    }
    if (s.ok() && (!t.params.contains("ifstate") || t.params["ifstate"] == i.state)) {
      s = instances_->Stop(call.user, t.uuid, t.name, options, &previous, &i);
    }
    items.push_back(s.ok() ? json{{"status", "success"},
                                  {"uuid", i.uuid},
                                  {"name", i.name},
                                  {"state", i.state},
                                  {"previous_state", previous}}
                           : ItemFailure(s, t));
  }
  call.RespondItems("instances", std::move(items));
}

void ApiService::WaitInstances(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  if (!NamedTargets(call, path_id, {"state", "timeout_ms"}, &targets)) return;
  static const std::set<std::string> kStates = {"stopped",  "starting", "running",
                                                "draining", "stopping", "standby"};
  json items = json::array();
  for (const auto& t : targets) {
    std::string state = t.params.value("state", std::string(api::kStateRunning));
    if (!kStates.count(state)) return call.Fail(400, "Invalid state '" + state + "'");
  }
  for (const auto& t : targets) {
    if (t.error) {
      items.push_back(*t.error);
      continue;
    }
    api::Instance i;
    if (Status s = instances_->Get(call.user, t.uuid, t.name, &i); !s.ok()) {
      items.push_back(ItemFailure(s, t));
      continue;
    }
    std::string state = t.params.value("state", std::string(api::kStateRunning));
    auto deadline = DeadlineAfter(t.params.value("timeout_ms", int64_t{-1}));
    std::vector<api::Instance> now;
    std::vector<bool> reached;
    instances_->Wait(call.user, {i.uuid}, state, deadline, &now, &reached);
    if (now[0].uuid.empty()) {
      items.push_back(ItemFailure(Status::NotFound("No instance with uuid '" + i.uuid + "'"), t));
    } else if (!reached[0]) {
      items.push_back(
          api::ItemError(api::ErrorCode::kTimedOut, "Timed out waiting for state '" + state + "'",
                         {{"uuid", i.uuid}, {"name", i.name}, {"state", now[0].state}}));
    } else {
      items.push_back(
          {{"status", "success"}, {"uuid", i.uuid}, {"name", i.name}, {"state", now[0].state}});
    }
  }
  call.RespondItems("instances", std::move(items));
}

}  // namespace ukc::platform
