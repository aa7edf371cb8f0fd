#include "cloud/instance_create.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "api/image.h"
#include "api_client.h"
#include "cloud/instance_api.h"
#include "cloud/instance_create_request.h"
#include "cloud/instance_print.h"
#include "go_duration.h"
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

ukc::Status FindImage(ApiClient& api, const CreateFlags& flags, const std::string& image,
                      ukc::api::Image* out) {
  bool found = false;
  if (!flags.wait_for_image) {
    if (ukc::Status s = LookupImage(api, image, out, &found); !s.ok()) {
      return ukc::Status::Internal("could not get image: " + s.message());
    }
    if (!found) return ukc::Status::NotFound("no image with name: " + image);
    return ukc::Status::Ok();
  }
  int64_t timeout_ms = 0;
  if (ukc::Status s = ParseGoDuration(flags.wait_for_image_timeout, &timeout_ms); !s.ok()) {
    return ukc::Status::InvalidArgument("invalid argument \"" + flags.wait_for_image_timeout +
                                        "\" for \"--wait-for-image-timeout\" flag: " + s.message());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {  // errors and empty results only mean "not there yet", as in kraft
    if (LookupImage(api, image, out, &found).ok() && found) return ukc::Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return ukc::Status::Unavailable(
          "could not wait for image be available: context deadline exceeded");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
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
    if (service.is_object() && service.value("port", 0) == 443) out->exposes_443 = true;
  }
  return ukc::Status::Ok();
}

// -g: kraft looks the group up first and sends its uuid.
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

// POST /instances, then GET the first created instance.
ukc::Status CreateAndGet(ApiClient& api, const json& body, ApiResponse* got,
                         std::vector<ukc::api::Instance>* instances) {
  ApiResponse created;
  if (ukc::Status s = api.Post("/instances", body.dump(), &created); !s.ok()) return s;
  if (created.items.empty()) return ukc::Status::Internal("no instance was created");
  std::string uuid = created.items[0].value("uuid", "");
  if (ukc::Status s = GetInstances(api, {uuid}, got, instances); !s.ok() || instances->empty()) {
    return ukc::Status::Internal("getting details of instance " + uuid + ": " +
                                 (s.ok() ? "no instance returned" : s.message()));
  }
  return ukc::Status::Ok();
}

ukc::Status Print(ApiClient& api, const CreateFlags& flags, const std::string& metro,
                  const ApiResponse& got, const std::vector<ukc::api::Instance>& instances) {
  const ukc::api::Instance& instance = instances[0];
  std::optional<ServiceView> service;
  if (instance.service_group && !instance.service_group->uuid.empty()) {
    service.emplace();
    if (ukc::Status s = LookupService(api, instance.service_group->uuid, &*service); !s.ok()) {
      return s;
    }
  }
  if (instances.size() > 1 || flags.output == "table" || flags.output == "json") {
    Table table;
    if (ukc::Status s = InstanceTable(instances, flags.output == "table", &table); !s.ok())
      return s;
    Render(flags.output, table, got.body, std::cout);
    return ukc::Status::Ok();
  }
  std::cout << FancySummary(instance, metro, service, isatty(STDOUT_FILENO) != 0);
  if (flags.start && instance.state != ukc::api::kStateRunning &&
      instance.state != ukc::api::kStateStarting) {
    std::cout << "\n" << std::flush;
    LogInfo("it looks like the instance did not come online, to view logs run:");
    std::cout << "\n    kraft cloud instance logs " << instance.name << "\n\n";
  }
  return ukc::Status::Ok();
}

int Create(const CloudFlags& cloud, const CreateFlags& flags, const std::string& image_arg,
           const std::vector<std::string>& app_args) {
  CloudConnection conn;
  ukc::Status s = ValidateFormat(flags.output);
  if (s.ok()) s = Connect(cloud, true, &conn);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  std::string image_name = NormalizeImageName(image_arg);
  ukc::api::Image image;
  CreateRequestResult request;
  s = FindImage(api, flags, image_name, &image);
  if (s.ok()) s = BuildCreateRequest(flags, image_name, image, app_args, ProcessEnv(), &request);
  if (s.ok() && !flags.service.empty()) s = ResolveService(api, flags.service, &request.body);
  if (s.ok() && request.scale_to_zero_disabled) {
    LogInfo("no ports or service specified, disabling scale to zero");
  }
  ApiResponse got;
  std::vector<ukc::api::Instance> instances;
  if (s.ok()) s = CreateAndGet(api, request.body, &got, &instances);
  if (s.ok()) s = Print(api, flags, conn.metro, got, instances);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  return 0;
}

}  // namespace

void AddInstanceCreateCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = instance.add_subcommand("create", "Create an instance");
  cmd->alias("new");
  auto f = std::make_shared<CreateFlags>();
  auto image = std::make_shared<std::string>();
  auto app_args = std::make_shared<std::vector<std::string>>();
  auto slice = [&](const char* name, std::vector<std::string>& target, const char* help) {
    cmd->add_option(name, target, help)->delimiter(',')->allow_extra_args(false);
  };
  slice("-c,--certificate", f->certificates, "Set the certificates to use for the service");
  slice("-d,--domain", f->domains, "The domain names to use for the service");
  slice("-e,--env", f->env, "Environmental variables");
  slice("-f,--feature", f->features, "List of features to enable");
  slice("--entrypoint", f->entrypoint, "Set the entrypoint for the instance");
  slice("-p,--port", f->ports, "Specify the port mapping between external to internal");
  slice("-s,--subdomain", f->subdomains, "Set the subdomains to use when creating the service");
  slice("-v,--volume", f->volumes, "List of volumes to attach instance to");
  cmd->add_option("-M,--memory", f->memory, "Specify the amount of memory to allocate (MiB)");
  cmd->add_option("-n,--name", f->name, "Specify the name of the instance");
  cmd->add_option("-g,--service", f->service, "Attach this instance to an existing service");
  cmd->add_option("-o,--output", f->output, "Set output format. Options: table,yaml,json,list,raw");
  cmd->add_option("-R,--replicas", f->replicas, "Number of replicas of the instance")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--restart", f->restart, "Set the restart policy (never/always/on-failure)")
      ->check(CLI::IsMember({"never", "always", "on-failure"}));
  cmd->add_option("--scale-to-zero", f->scale_to_zero, "Scale to zero policy (on/off/idle)")
      ->check(CLI::IsMember({"on", "off", "idle"}));
  cmd->add_option("--scale-to-zero-cooldown", f->scale_to_zero_cooldown,
                  "Cooldown period before scaling to zero");
  cmd->add_flag("--scale-to-zero-stateful", f->scale_to_zero_stateful,
                "Save state when scaling to zero");
  cmd->add_flag("-S,--start", f->start, "Immediately start the instance after creation");
  cmd->add_option("-V,--vcpus", f->vcpus, "Number of vCPUs")->check(CLI::NonNegativeNumber);
  cmd->add_flag("-w,--wait-for-image", f->wait_for_image,
                "Wait for the image to be available before creating the instance");
  cmd->add_option("--wait-for-image-timeout", f->wait_for_image_timeout,
                  "Time to wait before timing out when waiting for image");
  cmd->add_option("image", *image, "IMAGE")->required();
  cmd->add_option("args", *app_args, "ARGS (after --)");
  cmd->callback([=, &flags] { *exit_code = Create(flags, *f, *image, *app_args); });
}

}  // namespace kraft
