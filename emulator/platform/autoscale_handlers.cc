// Autoscale configurations: routing and create/get/delete (autoscale_handlers.h).
#include "platform/autoscale_handlers.h"

#include <optional>
#include <set>

#include "api/envelope.h"
#include "platform/api_service.h"

namespace ukc::platform {

using api::ErrorCode;
using nlohmann::json;

namespace {

constexpr int kMaxTimeMs = 24 * 3600 * 1000;  // warmup / cooldown above a day are refused

json GroupIdentity(const api::ServiceGroup& g) { return {{"uuid", g.uuid}, {"name", g.name}}; }

json ItemFailure(ErrorCode code, const std::string& message, const json& identity) {
  return api::ItemError(code, message, identity);
}

// The master (G1 `master`, or `create_args.template`): exists, and is not another group's.
std::optional<json> ResolveMaster(const AutoscaleContext& ctx, const std::string& user,
                                  const api::CreateAutoscaleRequest& q,
                                  const api::ServiceGroup& group, api::AutoscaleConfig* c) {
  json id = GroupIdentity(group);
  if (q.master && q.template_ref) {
    return ItemFailure(ErrorCode::kNotBoth, "Only one of master and create_args.template", id);
  }
  if (!q.master && !q.template_ref) {
    return ItemFailure(ErrorCode::kMissingId,
                       "A master instance is required (master or create_args.template)", id);
  }
  const api::ObjectRef& ref = q.master ? *q.master : *q.template_ref;
  c->master_key = q.master ? "master" : "template";
  if (!ref.uuid.empty() && !ref.name.empty()) {
    return ItemFailure(ErrorCode::kNotBoth, "Only one of uuid and name may name the master", id);
  }
  if (ref.uuid.empty() && ref.name.empty()) {
    return ItemFailure(ErrorCode::kMissingId, "The master needs a uuid or a name", id);
  }
  api::Instance master;
  Status s = ctx.instances->Get(user, ref.uuid, ref.name, &master);
  if (!s.ok()) return ItemFailure(ItemErrorCode(s), s.message(), id);
  if (master.service_group && master.service_group->uuid != group.uuid) {
    return ItemFailure(ErrorCode::kAutoscaleInstance,
                       "Instance '" + master.name + "' belongs to service group '" +
                           master.service_group->name + "'",
                       id);
  }
  c->master = {master.uuid, master.name};
  return std::nullopt;
}

std::optional<json> CheckPolicies(const std::vector<api::AutoscalePolicy>& policies,
                                  const json& id) {
  std::set<std::string> names;
  if (policies.size() > size_t{api::kMaxAutoscalePolicies}) {
    return ItemFailure(ErrorCode::kTooMany,
                       "At most " + std::to_string(api::kMaxAutoscalePolicies) + " policies", id);
  }
  for (const auto& p : policies) {
    if (std::string why = api::CheckAutoscalePolicy(p); !why.empty()) {
      return ItemFailure(ErrorCode::kInvalid, why, id);
    }
    if (!names.insert(p.name).second) {
      return ItemFailure(ErrorCode::kAlreadyExists,
                         "A policy with name '" + p.name + "' is given twice", id);
    }
  }
  return std::nullopt;
}

// Fills `*c` from the request; an item error when the request cannot be configured.
std::optional<json> BuildConfig(const AutoscaleContext& ctx, const std::string& user,
                                const api::CreateAutoscaleRequest& q,
                                const api::ServiceGroup& group, api::AutoscaleConfig* c) {
  json id = GroupIdentity(group);
  c->uuid = group.uuid;
  c->name = group.name;
  c->min_size = q.min_size.value_or(api::kDefaultAutoscaleMinSize);
  c->max_size = q.max_size.value_or(api::kDefaultAutoscaleMaxSize);
  c->warmup_time_ms = q.warmup_time_ms.value_or(api::kDefaultWarmupTimeMs);
  c->cooldown_time_ms = q.cooldown_time_ms.value_or(api::kDefaultCooldownTimeMs);
  c->policies = q.policies;
  const QuotaLimits& l = ctx.limits;
  if (c->min_size < 0 || c->min_size > c->max_size || c->max_size < l.min_autoscale_size ||
      c->max_size > l.max_autoscale_size) {
    return ItemFailure(ErrorCode::kAutoscaleSizeOutOfRange,
                       "Autoscale size out of range: need 0 <= min_size (" +
                           std::to_string(c->min_size) + ") <= max_size (" +
                           std::to_string(c->max_size) + ") and " +
                           std::to_string(l.min_autoscale_size) +
                           " <= max_size <= " + std::to_string(l.max_autoscale_size),
                       id);
  }
  for (int t : {c->warmup_time_ms, c->cooldown_time_ms}) {
    if (t < 0 || t > kMaxTimeMs) {
      return ItemFailure(
          ErrorCode::kInvalid,
          "warmup_time_ms and cooldown_time_ms must be between 0 and " + std::to_string(kMaxTimeMs),
          id);
    }
  }
  if (auto e = CheckPolicies(c->policies, id)) return e;
  return ResolveMaster(ctx, user, q, group, c);
}

json CreateOne(const AutoscaleContext& ctx, const std::string& user,
               const api::CreateAutoscaleRequest& q, const std::string& unsupported,
               const std::string& path_id) {
  Target t;
  (IsUuid(path_id) ? t.uuid : t.name) = path_id;
  if (path_id.empty()) t = Target{q.service.uuid, q.service.name, json::object(), std::nullopt};
  if (!t.uuid.empty() && !t.name.empty()) {
    return ItemFailure(ErrorCode::kNotBoth, "Only one of uuid and name may be given", {});
  }
  if (t.uuid.empty() && t.name.empty()) {
    return ItemFailure(ErrorCode::kMissingId, "Either uuid or name is required", {});
  }
  api::ServiceGroup group;
  if (Status s = FindAutoscaleGroup(ctx, user, t, &group); !s.ok()) {
    return ItemFailure(ItemErrorCode(s), s.message(), t.Identity());
  }
  if (!unsupported.empty()) {
    return ItemFailure(ErrorCode::kNotSupported,
                       "'" + unsupported + "' is not supported by ukc-emu", GroupIdentity(group));
  }
  api::AutoscaleConfig config;
  if (auto e = BuildConfig(ctx, user, q, group, &config)) return *e;
  Status s = ctx.autoscale->Create(user, config);
  if (s.kind() == Status::Kind::kAlreadyExists) {
    return ItemFailure(ErrorCode::kAutoscaleConfigured, s.message(), GroupIdentity(group));
  }
  if (!s.ok()) return ItemFailure(ItemErrorCode(s), s.message(), GroupIdentity(group));
  return {{"status", "success"}, {"uuid", group.uuid}, {"name", group.name}};
}

}  // namespace

Status FindAutoscaleGroup(const AutoscaleContext& ctx, const std::string& user, const Target& t,
                          api::ServiceGroup* out) {
  Status s = ctx.services->Get(user, t.uuid, t.name, out);
  if (s.kind() == Status::Kind::kNotFound && t.uuid.empty() && IsUuid(t.name)) {
    if (ctx.services->Get(user, t.name, "", out).ok()) return Status::Ok();
  }
  return s;
}

void CreateAutoscale(ApiCall& call, const AutoscaleContext& ctx, const std::string& path_id) {
  json body;
  if (!call.ReadJson(&body)) return;
  if (!path_id.empty() && !body.is_object())
    return call.Fail(400, "Request body must be a JSON object");
  if (!body.is_object() && !body.is_array()) {
    return call.Fail(400, "Request body must be a JSON object or array");
  }
  json requests = body.is_array() ? body : json::array({body});
  if (requests.empty()) return call.Fail(400, "No autoscale configurations given");
  std::vector<api::CreateAutoscaleRequest> parsed(requests.size());
  std::vector<std::string> unsupported(requests.size());
  for (size_t n = 0; n < requests.size(); ++n) {
    std::string error;
    if (!api::ParseCreateAutoscaleRequest(requests[n], &parsed[n], &error, &unsupported[n])) {
      return call.Fail(400, error);
    }
  }
  json items = json::array();
  for (size_t n = 0; n < parsed.size(); ++n) {
    items.push_back(CreateOne(ctx, call.user, parsed[n], unsupported[n], path_id));
  }
  call.RespondItems("service_groups", std::move(items));
}

void GetAutoscale(ApiCall& call, const AutoscaleContext& ctx, const std::string& path_id) {
  std::vector<Target> targets;
  bool all = false;
  if (!ReadTargets(call, path_id, &targets, &all)) return;
  json items = json::array();
  if (all) {
    for (const auto& c : ctx.autoscale->List(call.user)) items.push_back(api::ToJson(c));
    return call.RespondItems("service_groups", std::move(items));
  }
  for (const auto& t : targets) {
    api::ServiceGroup g;
    Status s = t.error ? Status::Ok() : FindAutoscaleGroup(ctx, call.user, t, &g);
    api::AutoscaleConfig c;
    if (t.error) {
      items.push_back(*t.error);
    } else if (!s.ok()) {
      items.push_back(ItemFailure(ItemErrorCode(s), s.message(), t.Identity()));
    } else if (!ctx.autoscale->Get(call.user, g.uuid, &c).ok()) {
      items.push_back({{"status", "unconfigured"},
                       {"uuid", g.uuid},
                       {"name", g.name},
                       {"enabled", false},
                       {"policies", json::array()}});
    } else {
      json item = api::ToJson(c);
      item["status"] = "success";
      items.push_back(std::move(item));
    }
  }
  call.RespondItems("service_groups", std::move(items));
}

void DeleteAutoscale(ApiCall& call, const AutoscaleContext& ctx, const std::string& path_id) {
  std::vector<Target> targets;
  bool none = false;
  if (!ReadTargets(call, path_id, &targets, &none)) return;
  if (none) return call.Fail(400, "No service groups given: send [{\"uuid\":…}] or [{\"name\":…}]");
  json items = json::array();
  for (const auto& t : targets) {
    api::ServiceGroup g;
    Status s = t.error ? Status::Ok() : FindAutoscaleGroup(ctx, call.user, t, &g);
    api::AutoscaleConfig c;
    if (t.error) {
      items.push_back(*t.error);
    } else if (!s.ok()) {
      items.push_back(ItemFailure(ItemErrorCode(s), s.message(), t.Identity()));
    } else if (!ctx.autoscale->Delete(call.user, g.uuid, &c).ok()) {
      items.push_back(ItemFailure(ErrorCode::kAutoscaleNotConfigured,
                                  "Service group '" + g.name + "' has no autoscale configuration",
                                  GroupIdentity(g)));
    } else {
      items.push_back({{"status", "success"}, {"uuid", g.uuid}, {"name", g.name}});
    }
  }
  call.RespondItems("service_groups", std::move(items));
}

void ApiService::RouteAutoscale(Call& call, const std::string& id) {
  // id: "autoscale" or "<group>/autoscale[/policies[/<name>]]"
  if (!autoscale_) return call.Fail(404, "No API endpoint");
  AutoscaleContext ctx{services_, instances_, autoscale_, limits_};
  std::string_view method = call.ex.method();
  std::string group;
  std::string rest = id;
  if (id != "autoscale") {
    size_t slash = id.find('/');
    group = id.substr(0, slash);
    rest = id.substr(slash + 1);
  }
  if (rest == "autoscale") {
    if (method == "POST") return CreateAutoscale(call, ctx, group);
    if (method == "GET") return GetAutoscale(call, ctx, group);
    if (method == "DELETE") return DeleteAutoscale(call, ctx, group);
  } else if (!group.empty() && rest.rfind("autoscale/policies", 0) == 0) {
    std::string name = rest.size() > 19 ? rest.substr(19) : "";
    bool named = rest.size() > 19 && rest[18] == '/' && name.find('/') == std::string::npos;
    if (rest.size() > 18 && !named) return call.Fail(404, "No API endpoint");
    if (method == "POST" && !named) return AddAutoscalePolicies(call, ctx, group);
    if (method == "GET") return GetAutoscalePolicies(call, ctx, group, name);
    if (method == "DELETE") return DeleteAutoscalePolicies(call, ctx, group, name);
  }
  call.Fail(404, "No API endpoint");
}

}  // namespace ukc::platform
