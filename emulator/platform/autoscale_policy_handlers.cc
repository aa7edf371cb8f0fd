// Autoscale policies: add, get, delete (autoscale_handlers.h). The group is named in the path;
// policies are named in the path, or in the body as {name} (G3) or [{name}…] (G2).
#include <optional>

#include "api/envelope.h"
#include "platform/autoscale_handlers.h"

namespace ukc::platform {

using api::ErrorCode;
using nlohmann::json;

namespace {

// The group of the path and its configuration; an item error when either is missing.
std::optional<json> Configured(const AutoscaleContext& ctx, const std::string& user,
                               const std::string& id, api::ServiceGroup* group) {
  Target t;
  (IsUuid(id) ? t.uuid : t.name) = id;
  if (Status s = FindAutoscaleGroup(ctx, user, t, group); !s.ok()) {
    return api::ItemError(ItemErrorCode(s), s.message(), t.Identity());
  }
  api::AutoscaleConfig config;
  if (!ctx.autoscale->Get(user, group->uuid, &config).ok()) {
    return api::ItemError(ErrorCode::kAutoscaleNotConfigured,
                          "Service group '" + group->name + "' has no autoscale configuration",
                          {{"uuid", group->uuid}, {"name", group->name}});
  }
  return std::nullopt;
}

// Policy names from the path or the body; false when answered with a whole-request error.
bool PolicyNames(ApiCall& call, const std::string& path_name, std::vector<std::string>* names) {
  json body;
  if (!call.ReadJson(&body)) return false;
  if (!path_name.empty()) {
    if (!body.is_null()) {
      call.Fail(400, "The policy is named in the path: no body expected");
      return false;
    }
    names->push_back(path_name);
    return true;
  }
  if (body.is_null()) return true;
  if (!body.is_object() && !body.is_array()) {
    call.Fail(400, "Request body must be a JSON object or array");
    return false;
  }
  for (const auto& item : body.is_array() ? body : json::array({body})) {
    if (!item.is_object()) {
      call.Fail(400, "Each item must be a JSON object");
      return false;
    }
    std::string name;
    for (const auto& [key, value] : item.items()) {
      if (value.is_null()) continue;
      if (key != "name") {
        call.Fail(400, "Unknown field '" + key + "'");
        return false;
      }
      if (!value.is_string()) {
        call.Fail(400, "Field 'name' must be a string");
        return false;
      }
      name = value.get<std::string>();
    }
    names->push_back(name);
  }
  return true;
}

json PolicyFailure(const Status& s, const std::string& name) {
  ErrorCode code = s.kind() == Status::Kind::kTooLarge ? ErrorCode::kTooMany : ItemErrorCode(s);
  return api::ItemError(code, s.message(), {{"name", name}});
}

}  // namespace

void AddAutoscalePolicies(ApiCall& call, const AutoscaleContext& ctx, const std::string& id) {
  json body;
  if (!call.ReadJson(&body)) return;
  if (!body.is_object() && !body.is_array()) {
    return call.Fail(400, "Request body must be a policy object");
  }
  json requests = body.is_array() ? body : json::array({body});
  if (requests.empty()) return call.Fail(400, "No policies given");
  std::vector<api::AutoscalePolicy> policies(requests.size());
  for (size_t n = 0; n < requests.size(); ++n) {
    std::string error;
    if (!api::ParseAutoscalePolicy(requests[n], &policies[n], &error)) return call.Fail(400, error);
  }
  api::ServiceGroup group;
  std::optional<json> missing = Configured(ctx, call.user, id, &group);
  json items = json::array();
  for (const auto& p : policies) {
    if (missing) {
      items.push_back(*missing);
    } else if (std::string why = api::CheckAutoscalePolicy(p); !why.empty()) {
      items.push_back(api::ItemError(ErrorCode::kInvalid, why, {{"name", p.name}}));
    } else if (Status s = ctx.autoscale->AddPolicy(call.user, group.uuid, p); !s.ok()) {
      items.push_back(PolicyFailure(s, p.name));
    } else {
      items.push_back({{"status", "success"}, {"name", p.name}});
    }
  }
  call.RespondItems("policies", std::move(items));
}

void GetAutoscalePolicies(ApiCall& call, const AutoscaleContext& ctx, const std::string& id,
                          const std::string& path_name) {
  std::vector<std::string> names;
  if (!PolicyNames(call, path_name, &names)) return;
  api::ServiceGroup group;
  if (auto missing = Configured(ctx, call.user, id, &group)) {
    return call.RespondItems("policies", json::array({*missing}));
  }
  json items = json::array();
  if (names.empty()) {  // every policy of the configuration
    api::AutoscaleConfig config;
    if (ctx.autoscale->Get(call.user, group.uuid, &config).ok()) {
      for (const auto& p : config.policies) items.push_back(api::ToJson(p));
    }
    return call.RespondItems("policies", std::move(items));
  }
  for (const auto& name : names) {
    api::AutoscalePolicy p;
    if (Status s = ctx.autoscale->GetPolicy(call.user, group.uuid, name, &p); !s.ok()) {
      items.push_back(PolicyFailure(s, name));
      continue;
    }
    json item = api::ToJson(p);
    item["status"] = "success";
    items.push_back(std::move(item));
  }
  call.RespondItems("policies", std::move(items));
}

void DeleteAutoscalePolicies(ApiCall& call, const AutoscaleContext& ctx, const std::string& id,
                             const std::string& path_name) {
  std::vector<std::string> names;
  if (!PolicyNames(call, path_name, &names)) return;
  if (names.empty()) return call.Fail(400, "No policies given: send {\"name\":…}");
  api::ServiceGroup group;
  std::optional<json> missing = Configured(ctx, call.user, id, &group);
  json items = json::array();
  for (const auto& name : names) {
    if (missing) {
      items.push_back(*missing);
    } else if (Status s = ctx.autoscale->DeletePolicy(call.user, group.uuid, name); !s.ok()) {
      items.push_back(PolicyFailure(s, name));
    } else {
      items.push_back({{"status", "success"}, {"name", name}});
    }
  }
  call.RespondItems("policies", std::move(items));
}

}  // namespace ukc::platform
