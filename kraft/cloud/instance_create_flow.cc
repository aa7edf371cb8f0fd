#include "cloud/instance_create_flow.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "cloud/instance_api.h"
#include "cloud/instance_print.h"
#include "cloud/local_proxy.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;

// One GET /images/list lookup; `*found` is false when the list came back empty.
ukc::Status LookupImage(ApiClient& api, const std::string& image, ukc::api::Image* out,
                        bool* found) {
  json body = json::array({{{image.find('@') != std::string::npos ? "digest" : "tag", image}}});
  ApiResponse resp;
  ukc::Status s = api.Get("/images/list", body.dump(), &resp);
  *found = s.ok() && !resp.items.empty();
  if (*found) *out = ukc::api::ImageFromJson(resp.items[0]);
  return s;
}

// GET /services of the instance's service group: its domains and whether it exposes 443.
ukc::Status LookupService(ApiClient& api, const std::string& uuid, ServiceView* out) {
  ApiResponse resp;
  ukc::Status s = api.Get("/services", json::array({{{"uuid", uuid}}}).dump(), &resp);
  if (!s.ok())
    return ukc::Status::Internal("getting details of service " + uuid + ": " + s.message());
  if (resp.items.empty() || !resp.items[0].is_object()) return ukc::Status::Ok();
  const json& group = resp.items[0];
  for (const auto& domain : group.value("domains", json::array())) {
    if (domain.is_object()) out->fqdns.push_back(domain.value("fqdn", ""));
  }
  for (const auto& service : group.value("services", json::array())) {
    if (!service.is_object()) continue;
    int port = service.value("port", 0);
    if (port == 443) out->exposes_443 = true;
    if (int local = service.value("local_port", 0); local > 0) out->local_ports[port] = local;
  }
  return ukc::Status::Ok();
}

}  // namespace

ukc::Status FindImage(ApiClient& api, const std::string& image, const ImageWait& wait,
                      ukc::api::Image* out) {
  bool found = false;
  if (!wait.wait) {
    if (ukc::Status s = LookupImage(api, image, out, &found); !s.ok()) {
      return ukc::Status::Internal("could not get image: " + s.message());
    }
    if (!found) return ukc::Status::NotFound("no image with name: " + image);
    return ukc::Status::Ok();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait.timeout_ms);
  while (true) {
    if (LookupImage(api, image, out, &found).ok() && found) return ukc::Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return ukc::Status::Unavailable(
          "could not wait for image be available: context deadline exceeded");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

ukc::Status ResolveService(ApiClient& api, const std::string& service, json* body) {
  ApiResponse resp;
  ukc::Status s = api.Get("/services", json::array({IdentityItem(service)}).dump(), &resp);
  if (s.ok() && (resp.items.empty() || !resp.items[0].is_object())) {
    s = ukc::Status::NotFound("no service group returned");
  }
  if (!s.ok())
    return ukc::Status::Internal("could not get service " + service + ": " + s.message());
  (*body)["service_group"] = {{"uuid", resp.items[0].value("uuid", "")}};
  return ukc::Status::Ok();
}

ukc::Status CreateAndGet(ApiClient& api, const json& body, ApiResponse* got,
                         std::vector<ukc::api::Instance>* instances,
                         std::vector<std::string>* created) {
  ApiResponse resp;
  if (ukc::Status s = api.Post("/instances", body.dump(), &resp); !s.ok()) return s;
  if (resp.items.empty()) return ukc::Status::Internal("no instance was created");
  for (const auto& item : resp.items) {
    if (created && item.is_object()) created->push_back(item.value("uuid", ""));
  }
  std::string uuid = resp.items[0].value("uuid", "");
  if (ukc::Status s = GetInstances(api, {uuid}, got, instances); !s.ok() || instances->empty()) {
    return ukc::Status::Internal("getting details of instance " + uuid + ": " +
                                 (s.ok() ? "no instance returned" : s.message()));
  }
  return ukc::Status::Ok();
}

ukc::Status WaitRunning(ApiClient& api, const std::string& uuid, int64_t timeout_ms,
                        ukc::api::Instance* instance) {
  json item = {{"uuid", uuid}, {"state", ukc::api::kStateRunning}, {"timeout_ms", timeout_ms}};
  ApiResponse resp;
  (void)api.Get("/instances/wait", json::array({item}).dump(), &resp);  // a timeout is an answer
  std::vector<ukc::api::Instance> now;
  if (ukc::Status s = GetInstances(api, {uuid}, &resp, &now); !s.ok() || now.empty()) {
    return ukc::Status::Internal("getting details of instance " + uuid + ": " +
                                 (s.ok() ? "no instance returned" : s.message()));
  }
  *instance = now[0];
  return ukc::Status::Ok();
}

ukc::Status PrintCreated(ApiClient& api, const PrintOptions& options, const ApiResponse& got,
                         const std::vector<ukc::api::Instance>& instances) {
  const ukc::api::Instance& instance = instances[0];
  std::optional<ServiceView> service;
  if (instance.service_group && !instance.service_group->uuid.empty()) {
    service.emplace();
    if (ukc::Status s = LookupService(api, instance.service_group->uuid, &*service); !s.ok()) {
      return s;
    }
  }
  if (!options.fancy) {
    Table table;
    if (ukc::Status s = InstanceTable(instances, options.output == "table", &table); !s.ok())
      return s;
    Render(options.output.empty() ? "list" : options.output, table, got.body, std::cout);
    if (service) LogLocalProxyUrls(*service);
    return ukc::Status::Ok();
  }
  std::cout << FancySummary(instance, options.metro, service, isatty(STDOUT_FILENO) != 0);
  if (service) LogLocalProxyUrls(*service);
  if (options.autostart && instance.state != ukc::api::kStateRunning &&
      instance.state != ukc::api::kStateStarting) {
    std::cout << "\n" << std::flush;
    LogInfo("it looks like the instance did not come online, to view logs run:");
    std::cout << "\n    kraft cloud instance logs " << instance.name << "\n\n";
  }
  return ukc::Status::Ok();
}

}  // namespace kraft
