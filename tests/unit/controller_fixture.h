// The instances controller over a FakeVmm with a service registry and a route table in a temp
// SQLite database, for the controller's unit tests: one image ("<user>/web"), instances created
// in a service group publishing 443 → 8080, helpers to wait for states and routes.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "platform/instance_controller.h"
#include "platform/service_group_store.h"
#include "platform/service_registry.h"
#include "proxy/route_table.h"
#include "store/database.h"
#include "vmm/fake_vmm.h"

using std::chrono::milliseconds;

namespace ukc::testing {

using namespace ukc::platform;

class OneImage : public ImageSource {
 public:
  Status Resolve(const std::string& user, const std::string&, std::string* repository,
                 std::string* digest, std::string* display) override {
    *repository = user + "/web";
    *digest = "sha256:" + std::string(64, 'b');
    *display = *repository + "@" + *digest;
    return Status::Ok();
  }
  Status Load(const std::string&, const std::string&, BootImage* out) override {
    *out = boot;
    return Status::Ok();
  }
  BootImage boot{{}, {}, {}, {}, {}, {"/server"}, {}, ""};  // what Load gives
  std::map<std::string, std::string> Labels(const std::string&, const std::string&) override {
    return labels;
  }
  std::map<std::string, std::string> labels;
};

struct ControllerFixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  vmm::SystemClock clock;
  vmm::SequentialPortAllocator ports{32000, 32100};
  vmm::FakeVmm vmm{&clock, &ports};
  OneImage images;
  std::unique_ptr<InstanceStore> store;
  std::unique_ptr<ServiceGroupStore> group_store;
  std::unique_ptr<ServiceRegistry> services;
  proxy::RouteTable routes;
  std::unique_ptr<InstanceController> controller;

  static vmm::FakeScript QuickScript() {
    vmm::FakeScript script;
    script.boot_delay = milliseconds(5);
    script.stop_exit_code = 0;
    return script;
  }
  // `ports_listen`: a host probe finds guests' ports listening (enables ready snapshots).
  // `templates`: launches use templates (ControllerOptions::templates).
  explicit ControllerFixture(bool ports_listen = false, vmm::FakeScript script = QuickScript(),
                             bool templates = false) {
    dir = std::filesystem::temp_directory_path() /
          ("ukc-s2z-test-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
    std::filesystem::create_directories(dir);
    REQUIRE(store::Database::Open((dir / "db.sqlite").string(), &db).ok());
    vmm.SetDefaultScript(script);
    store = std::make_unique<InstanceStore>(db.get());
    REQUIRE(store->Init().ok());
    group_store = std::make_unique<ServiceGroupStore>(db.get());
    REQUIRE(group_store->Init().ok());
    services = std::make_unique<ServiceRegistry>(group_store.get(), ServiceRegistryOptions{});
    REQUIRE(services->Load().ok());
    ControllerOptions options;
    options.instances_dir = dir / "instances";
    options.poll_interval = milliseconds(2);
    options.services = services.get();
    options.routes = &routes;
    if (ports_listen) options.port_ready = [](int) { return true; };
    options.templates = templates;
    controller = std::make_unique<InstanceController>(&vmm, &clock, store.get(), &images, options);
    REQUIRE(controller->Recover().ok());
    controller->StartThreads();
  }
  ~ControllerFixture() {
    controller.reset();
    std::filesystem::remove_all(dir);
  }
  api::Instance Create(const std::string& policy, bool stateful, int replicas = 0) {
    api::CreateInstanceRequest q;
    q.image = "web:latest";
    q.autostart = true;
    q.replicas = replicas;
    q.service_group = nlohmann::json::parse(
        R"({"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]}]})");
    if (!policy.empty()) q.scale_to_zero = api::ScaleToZero{policy, stateful, 60};
    std::vector<api::Instance> created;
    REQUIRE(controller->Create("alice", q, &created).ok());
    return created.front();
  }
  api::Instance WaitFor(const std::string& uuid, const char* state, int ms = 2000) {
    std::vector<api::Instance> out;
    std::vector<bool> reached;
    controller->Wait("alice", {uuid}, state, std::chrono::steady_clock::now() + milliseconds(ms),
                     &out, &reached);
    return out.front();
  }
  // The published route of the instance's group, once it has `backends` backends.
  proxy::ServiceRoute RouteOf(const api::Instance& i, size_t backends) {
    std::optional<proxy::ServiceRoute> route;
    for (int n = 0; n < 500; ++n) {
      route = routes.Find(i.service_group->domains.at(0).fqdn, 443);
      if (route && route->backends.size() == backends) break;
      std::this_thread::sleep_for(milliseconds(2));
    }
    REQUIRE(route.has_value());
    return *route;
  }
};

}  // namespace ukc::testing
