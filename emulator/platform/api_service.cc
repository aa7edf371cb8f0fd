#include "platform/api_service.h"

#include <chrono>

#include "api/envelope.h"
#include "oci/digest.h"

namespace ukc::platform {

using nlohmann::json;

namespace {

// A stable UUID-shaped identifier for a user (quota objects carry one).
std::string UserUuid(const std::string& user) {
  std::string h = oci::Digest::Sha256Of("ukc-emu user " + user).hex;
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}
}  // namespace

void ApiService::Handle(http::Exchange& ex) {
  Call call{ex, {}, ex.path()};
  auto user = authenticator_->Authenticate(ex.Header("Authorization"));
  if (!user) return call.Fail(401, "Unauthorized: missing or invalid token");
  call.user = *user;
  if (call.path.rfind("/v1/v1/", 0) == 0) call.path = call.path.substr(3);
  while (call.path.size() > 1 && call.path.back() == '/') call.path.pop_back();
  const std::string& p = call.path;
  bool get = ex.method() == "GET";
  if (get && (p == "/v1/images/list" || p == "/v1/images")) return ListImages(call);
  if (get && (p == "/v1/users/quotas" || (p.rfind("/v1/users/", 0) == 0 && p.size() > 17 &&
                                          p.compare(p.size() - 7, 7, "/quotas") == 0))) {
    return Quotas(call);
  }
  if (get && p == "/v1/healthz") return Healthz(call);
  if (p == "/v1/instances" || p.rfind("/v1/instances/", 0) == 0) {
    return RouteInstances(call, p.substr(13));
  }
  if (p == "/v1/services" || p.rfind("/v1/services/", 0) == 0) {
    return RouteServices(call, p.substr(12));
  }
  call.Fail(404, "No API endpoint");
}

void ApiService::ListImages(Call& call) {
  json body;
  if (!call.ReadJson(&body)) return;
  // Lookups: [{"tag"}|{"digest"}], a single object (newer SDKs), or ?tag= / ?digest=.
  std::vector<std::string> references;
  json items = body.is_null() ? json::array() : body.is_object() ? json::array({body}) : body;
  if (!items.is_array()) return call.Fail(400, "Request body must be an array or an object");
  for (const auto& item : items) {
    if (!item.is_object()) return call.Fail(400, "Image lookups must be objects");
    for (const auto& [key, value] : item.items()) {
      if (key != "tag" && key != "digest" && key != "tagged") {
        return call.Fail(400, "Unknown field '" + key + "' in image lookup");
      }
      if (key != "tagged" && !value.is_string()) {
        return call.Fail(400, "Field '" + key + "' must be a string");
      }
      if (key != "tagged") references.push_back(value.get<std::string>());
    }
  }
  for (const char* key : {"tag", "digest"}) {
    if (call.ex.HasQuery(key)) references.push_back(call.ex.Query(key));
  }
  std::string namespace_filter = call.ex.Query("namespace");
  std::vector<api::Image> images;
  if (references.empty()) {
    images = images_.List(call.user);
  } else {
    for (const auto& reference : references) {
      for (auto& image : images_.Find(call.user, reference)) images.push_back(std::move(image));
    }
  }
  json out = json::array();
  for (const auto& image : images) {
    if (!namespace_filter.empty() && image.digest.rfind(namespace_filter, 0) != 0) continue;
    out.push_back(api::ToJson(image));
  }
  call.Respond(200, api::Envelope("images", std::move(out), call.elapsed_us()));
}

void ApiService::Quotas(Call& call) {
  const QuotaLimits& l = limits_;
  Usage u = instances_->UsageOf(call.user);
  json used = {{"instances", u.instances},
               {"live_instances", u.live_instances},
               {"live_vcpus", u.live_vcpus},
               {"live_memory_mb", u.live_memory_mb},
               {"service_groups", u.service_groups},
               {"services", u.services},
               {"volumes", 0},  // volumes are not emulated
               {"total_volume_mb", 0}};
  json hard = {{"instances", l.instances},
               {"live_instances", l.instances},
               {"live_vcpus", l.live_vcpus},
               {"live_memory_mb", l.live_memory_mb},
               {"service_groups", l.service_groups},
               {"services", l.services},
               {"volumes", l.volumes},
               {"total_volume_mb", l.total_volume_mb}};
  json limits = {{"min_memory_mb", l.min_memory_mb},
                 {"max_memory_mb", l.max_memory_mb},
                 {"min_vcpus", l.min_vcpus},
                 {"max_vcpus", l.max_vcpus},
                 {"min_volume_mb", l.min_volume_mb},
                 {"max_volume_mb", l.max_volume_mb},
                 {"min_autoscale_size", l.min_autoscale_size},
                 {"max_autoscale_size", l.max_autoscale_size}};
  json quota = {{"uuid", UserUuid(call.user)}, {"used", used}, {"hard", hard}, {"limits", limits}};
  call.Respond(200, api::Envelope("quotas", json::array({quota}), call.elapsed_us()));
}

void ApiService::Healthz(Call& call) {
  json body = {{"status", "success"},
               {"data", {{"services", {{"api", "ok"}, {"registry", "ok"}}}}},
               {"op_time_us", call.elapsed_us()}};
  call.Respond(200, body);
}

}  // namespace ukc::platform
