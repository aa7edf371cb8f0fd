// /v1/services endpoints (ukc-api.md §7): routing, request shapes and response items. The work is
// done by the ServiceRegistry.
//   POST   /v1/services            {name?, services, domains?, soft_limit?, hard_limit?} (or an
//                                  array of such objects) → one item per group: the full group
//   GET    /v1/services[/list]     no body: every group of the user (items without `status`);
//                                  [{uuid|name}…], a single object or ?uuid=&name=: those groups
//   GET    /v1/services/{id}       one group (`id` a uuid or a name)
//   DELETE /v1/services[/{id}]     [{uuid|name}…] → {status, uuid, name}; a group with attached
//                                  instances is not deleted (error 14 NotAllowed)
// Autoscale (/v1/services/autoscale, /v1/services/{id}/autoscale…): autoscale_handlers.cc. A
// group's `autoscale` says whether it has a configuration; deleting a group drops it.
#include "api/envelope.h"
#include "api/service_group.h"
#include "platform/api_service.h"
#include "platform/instance_targets.h"

namespace ukc::platform {

using nlohmann::json;

namespace {

json Failure(const Status& s, const json& identity) {
  return api::ItemError(ItemErrorCode(s), s.message(), identity);
}

json Success(const api::ServiceGroup& g) {
  json item = api::ToJson(g);
  item["status"] = "success";
  return item;
}

}  // namespace

api::ServiceGroup ApiService::WithLocalPorts(api::ServiceGroup g) const {
  if (local_port_) {
    // A group created a moment ago: its route is put now, and with it the proxy listens.
    if (instances_) instances_->PublishRoutes();
    for (auto& s : g.services) s.local_port = local_port_(s.port);
  }
  return g;
}

void ApiService::RouteServices(Call& call, const std::string& rest) {
  // rest: "" or "/<id>", or an autoscale path ("/autoscale", "/<id>/autoscale…")
  std::string id = rest.empty() ? "" : rest.substr(1);
  size_t slash = id.find('/');
  bool autoscale = slash != std::string::npos && id.compare(slash, 10, "/autoscale") == 0 &&
                   (id.size() == slash + 10 || id[slash + 10] == '/');
  if (id == "autoscale" || autoscale) return RouteAutoscale(call, id);
  if (slash != std::string::npos) return call.Fail(404, "No API endpoint");
  std::string_view method = call.ex.method();
  if (method == "GET") return GetServices(call, id == "list" ? "" : id);
  if (id != "list" && method == "DELETE") return DeleteServices(call, id);
  if (id.empty() && method == "POST") return CreateServices(call);
  call.Fail(404, "No API endpoint");
}

void ApiService::CreateServices(Call& call) {
  json body;
  if (!call.ReadJson(&body)) return;
  if (!body.is_object() && !body.is_array()) {
    return call.Fail(400, "Request body must be a JSON object");
  }
  json requests = body.is_array() ? body : json::array({body});
  if (requests.empty()) return call.Fail(400, "No service groups given");
  std::vector<api::CreateServiceGroupRequest> parsed(requests.size());
  std::vector<std::string> unsupported(requests.size());
  for (size_t n = 0; n < requests.size(); ++n) {
    std::string error;
    if (!api::ParseCreateServiceGroupRequest(requests[n], &parsed[n], &error, &unsupported[n])) {
      return call.Fail(400, error);
    }
  }
  json items = json::array();
  for (size_t n = 0; n < parsed.size(); ++n) {
    const auto& q = parsed[n];
    json identity = q.name ? json{{"name", *q.name}} : json::object();
    if (!unsupported[n].empty()) {
      items.push_back(api::ItemError(api::ErrorCode::kNotSupported,
                                     "'" + unsupported[n] + "' is not supported by ukc-emu",
                                     identity));
      continue;
    }
    api::ServiceGroup group;
    Status s = services_->Create(call.user, q, /*persistent=*/true, &group);
    items.push_back(s.ok() ? Success(WithLocalPorts(group)) : Failure(s, identity));
  }
  call.RespondItems("service_groups", std::move(items));
}

void ApiService::GetServices(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  bool all = false;
  if (!ReadTargets(call, path_id, &targets, &all)) return;
  bool details = call.ex.Query("details") != "false";
  auto render = [&](api::ServiceGroup g) {
    api::AutoscaleConfig config;
    g.autoscale = autoscale_ && autoscale_->Get(call.user, g.uuid, &config).ok();
    return details ? api::ToJson(WithLocalPorts(std::move(g)))
                   : json{{"uuid", g.uuid}, {"name", g.name}};
  };
  json items = json::array();
  if (all) {
    for (const auto& g : services_->List(call.user)) items.push_back(render(g));
    return call.RespondItems("service_groups", std::move(items));
  }
  for (const auto& t : targets) {
    api::ServiceGroup g;
    Status s = t.error ? Status::Ok() : services_->Get(call.user, t.uuid, t.name, &g);
    if (t.error) {
      items.push_back(*t.error);
    } else if (!s.ok()) {
      items.push_back(Failure(s, t.Identity()));
    } else {
      json item = render(g);
      item["status"] = "success";
      items.push_back(std::move(item));
    }
  }
  call.RespondItems("service_groups", std::move(items));
}

void ApiService::DeleteServices(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  bool none = false;
  if (!ReadTargets(call, path_id, &targets, &none)) return;
  if (none) return call.Fail(400, "No service groups given: send [{\"uuid\":…}] or [{\"name\":…}]");
  json items = json::array();
  for (const auto& t : targets) {
    if (t.error) {
      items.push_back(*t.error);
      continue;
    }
    api::ServiceGroup g;
    Status s = services_->Delete(call.user, t.uuid, t.name, &g);
    if (s.ok() && autoscale_) autoscale_->DropGroup(g.uuid);
    items.push_back(s.ok() ? json{{"status", "success"}, {"uuid", g.uuid}, {"name", g.name}}
                           : Failure(s, t.Identity()));
  }
  call.RespondItems("service_groups", std::move(items));
}

}  // namespace ukc::platform
