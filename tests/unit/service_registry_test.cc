// ServiceRegistry (names, FQDNs, port rules, limits, quotas, per-user scoping, persistence) and
// its use by the instances controller (ephemeral groups: attach, persistent on a second
// instance, deleted with the last one, delete-on-stop, recovery).
#include "platform/service_registry.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "api/service_group.h"
#include "platform/instance_controller.h"
#include "store/database.h"
#include "vmm/fake_vmm.h"

using namespace ukc;
using namespace ukc::platform;
using std::chrono::milliseconds;

namespace {

struct RegistryFixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<ServiceGroupStore> store;
  std::unique_ptr<ServiceRegistry> registry;
  ServiceRegistryOptions options;

  RegistryFixture() {
    dir = std::filesystem::temp_directory_path() /
          ("ukc-services-test-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
    std::filesystem::create_directories(dir);
    REQUIRE(store::Database::Open((dir / "db.sqlite").string(), &db).ok());
    options.limits.service_groups = 4;
    options.limits.services = 6;
    Reopen();
  }
  ~RegistryFixture() { std::filesystem::remove_all(dir); }
  void Reopen() {
    registry.reset();
    store = std::make_unique<ServiceGroupStore>(db.get());
    REQUIRE(store->Init().ok());
    registry = std::make_unique<ServiceRegistry>(store.get(), options);
    REQUIRE(registry->Load().ok());
  }
  Status Create(const std::string& json_text, api::ServiceGroup* out,
                const std::string& user = "alice") {
    api::CreateServiceGroupRequest q;
    std::string error;
    REQUIRE(api::ParseCreateServiceGroupRequest(nlohmann::json::parse(json_text), &q, &error));
    return registry->Create(user, q, true, out);
  }
};

api::ServicePort Port(int port, int destination, std::vector<std::string> handlers) {
  return {port, destination, std::move(handlers)};
}

Status Rules(std::vector<api::ServicePort> ports) {
  return ServiceRegistry::ValidateServices(&ports);
}

}  // namespace

TEST_CASE("services: port rules (ukc-api.md §7.2)") {
  CHECK(Rules({Port(443, 8080, {"http", "tls"}), Port(80, 443, {"http", "redirect"})}).ok());
  CHECK(Rules({Port(8443, 8080, {"tls"})}).ok());
  CHECK(Rules({Port(80, 8080, {"http"})}).ok());
  CHECK(Rules({}).ok());
  CHECK(Rules({Port(80, 80, {"http", "tls"})}).kind() == Status::Kind::kInvalidArgument);
  CHECK(Rules({Port(80, 80, {})}).message().find("80") != std::string::npos);
  CHECK(!Rules({Port(443, 8080, {"tls"})}).ok());
  CHECK(!Rules({Port(443, 8080, {"http"})}).ok());
  CHECK(!Rules({Port(8080, 8080, {"tls", "redirect"})}).ok());
  CHECK(!Rules({Port(8080, 8080, {"http"})}).ok());
  CHECK(!Rules({Port(8080, 8080, {})}).ok());
  CHECK(!Rules({Port(8443, 8080, {"tls", "gzip"})}).ok());
  CHECK(!Rules({Port(0, 8080, {"tls"})}).ok());
  CHECK(!Rules({Port(70000, 8080, {"tls"})}).ok());
  CHECK(!Rules({Port(8443, 70000, {"tls"})}).ok());
  CHECK(Rules({Port(8443, 8080, {"tls"}), Port(8443, 9090, {"tls"})}).message() ==
        "Port 8443 is published twice");
  std::vector<api::ServicePort> ports = {Port(8443, 0, {"tls"})};
  REQUIRE(ServiceRegistry::ValidateServices(&ports).ok());
  CHECK(ports[0].destination_port == 8443);  // defaults to port
}

TEST_CASE("services: generated names and FQDNs, domains, defaults") {
  RegistryFixture f;
  api::ServiceGroup g;
  REQUIRE(
      f.Create(R"({"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]}]})",
               &g)
          .ok());
  CHECK(std::regex_match(g.name, std::regex("[a-z]+-[a-z]+-[a-z0-9]{8}")));
  REQUIRE(g.domains.size() == 1);
  CHECK(g.domains[0].fqdn == g.name + ".local.localhost");
  CHECK(g.persistent);
  CHECK(g.soft_limit == 1);
  CHECK(g.hard_limit == 65535);
  CHECK(g.services[0].destination_port == 8080);
  CHECK(!g.created_at.empty());

  REQUIRE(f.Create(R"({"name":"web","services":[]})", &g).ok());
  CHECK(std::regex_match(g.domains[0].fqdn, std::regex("web-[a-z0-9]{8}\\.local\\.localhost")));

  REQUIRE(f.Create(R"({"name":"site","domains":[{"name":"Foo"},{"name":"example.com."}],
                       "soft_limit":5,"hard_limit":10})",
                   &g)
              .ok());
  REQUIRE(g.domains.size() == 2);
  CHECK(g.domains[0].fqdn == "foo.local.localhost");
  CHECK(g.domains[1].fqdn == "example.com");
  CHECK(g.soft_limit == 5);
  CHECK(g.hard_limit == 10);

  // Domains are unique across users; names only per user.
  CHECK(f.Create(R"({"domains":[{"name":"foo"}]})", &g, "bob").kind() ==
        Status::Kind::kAlreadyExists);
  CHECK(f.Create(R"({"domains":[{"name":"EXAMPLE.com."}]})", &g).kind() ==
        Status::Kind::kAlreadyExists);
  CHECK(f.Create(R"({"name":"site"})", &g).kind() == Status::Kind::kAlreadyExists);
  CHECK(f.Create(R"({"name":"site","domains":[{"name":"bobs"}]})", &g, "bob").ok());
}

TEST_CASE("services: invalid requests") {
  RegistryFixture f;
  api::ServiceGroup g;
  CHECK(f.Create(R"({"domains":[{"name":"bad_label"}]})", &g).kind() ==
        Status::Kind::kInvalidArgument);
  CHECK(f.Create(R"({"domains":[{"name":"example.com.."}]})", &g).kind() ==
        Status::Kind::kInvalidArgument);
  CHECK(f.Create(R"({"domains":[{"name":"a"},{"name":"a"}]})", &g).kind() ==
        Status::Kind::kInvalidArgument);
  CHECK(f.Create(R"({"domains":[{"name":"x.org.","certificate":{"name":"c"}}]})", &g).message() ==
        "No certificate with name 'c'");
  CHECK(!f.Create(R"({"soft_limit":0})", &g).ok());
  CHECK(!f.Create(R"({"hard_limit":65536})", &g).ok());
  CHECK(!f.Create(R"({"soft_limit":10,"hard_limit":5})", &g).ok());
  CHECK(!f.Create(R"({"name":"bad name"})", &g).ok());
  CHECK(f.registry->List("alice").empty());

  api::CreateServiceGroupRequest q;
  std::string error, unsupported;
  CHECK(!api::ParseCreateServiceGroupRequest(nlohmann::json::parse(R"({"colour":1})"), &q, &error));
  CHECK(error == "Unknown field 'colour'");
  CHECK(!api::ParseCreateServiceGroupRequest(
      nlohmann::json::parse(R"({"services":[{"port":"443"}]})"), &q, &error));
  CHECK(error.find("services.port") != std::string::npos);
  CHECK(!api::ParseCreateServiceGroupRequest(
      nlohmann::json::parse(R"({"services":[{"destination_port":80}]})"), &q, &error));
  CHECK(api::ParseCreateServiceGroupRequest(nlohmann::json::parse(R"({"autokill":{}})"), &q, &error,
                                            &unsupported));
  CHECK(unsupported == "autokill");
}

TEST_CASE("services: quotas, scoping, delete, attach/detach, persistence") {
  RegistryFixture f;
  api::ServiceGroup g, other;
  REQUIRE(f.Create(R"({"name":"a","services":[{"port":8443,"handlers":["tls"]},
                       {"port":9443,"handlers":["tls"]},{"port":10443,"handlers":["tls"]}]})",
                   &g)
              .ok());
  CHECK(f.Create(R"({"services":[{"port":1443,"handlers":["tls"]},{"port":2443,"handlers":["tls"]},
                     {"port":3443,"handlers":["tls"]},{"port":4443,"handlers":["tls"]}]})",
                 &other)
            .kind() == Status::Kind::kTooLarge);
  ServiceUsage used = f.registry->UsageOf("alice");
  CHECK(used.service_groups == 1);
  CHECK(used.services == 3);
  CHECK(f.registry->UsageOf("bob").service_groups == 0);

  CHECK(f.registry->Get("bob", g.uuid, "", &other).message() ==
        "No service with uuid '" + g.uuid + "'");
  CHECK(f.registry->Get("bob", "", "a", &other).message() == "No service with name 'a'");
  CHECK(f.registry->Delete("bob", "", "a", &other).kind() == Status::Kind::kNotFound);

  REQUIRE(f.registry->Attach("alice", "", "a", {"i-1", "one"}, &g).ok());
  CHECK(g.instances.size() == 1);
  CHECK(f.registry->Delete("alice", g.uuid, "", &other).kind() == Status::Kind::kPermissionDenied);
  f.Reopen();  // attached instances survive a restart
  REQUIRE(f.registry->Get("alice", "", "a", &g).ok());
  REQUIRE(g.instances.size() == 1);
  CHECK(g.instances[0].name == "one");
  f.registry->Prune([](const std::string& uuid) { return uuid != "i-1"; });  // i-1 is gone
  REQUIRE(f.registry->Get("alice", "", "a", &g).ok());
  CHECK(g.instances.empty());
  CHECK(g.persistent);  // explicit groups stay
  REQUIRE(f.registry->Delete("alice", "", "a", &other).ok());
  CHECK(other.uuid == g.uuid);
  f.Reopen();
  CHECK(f.registry->List("alice").empty());
}

namespace {

class OneImage : public ImageSource {
 public:
  Status Resolve(const std::string& user, const std::string&, std::string* repository,
                 std::string* digest, std::string* display) override {
    *repository = user + "/app";
    *digest = "sha256:" + std::string(64, 'b');
    *display = *repository + "@" + *digest;
    return Status::Ok();
  }
  Status Load(const std::string&, const std::string&, BootImage*) override { return Status::Ok(); }
};

struct ControllerFixture : RegistryFixture {
  vmm::SystemClock clock;
  vmm::SequentialPortAllocator ports{32000, 32100};
  vmm::FakeVmm vmm{&clock, &ports};
  OneImage images;
  std::unique_ptr<InstanceStore> instance_store;
  std::unique_ptr<InstanceController> controller;

  ControllerFixture() {
    vmm::FakeScript script;
    script.boot_delay = milliseconds(2);
    vmm.SetDefaultScript(script);
    instance_store = std::make_unique<InstanceStore>(db.get());
    REQUIRE(instance_store->Init().ok());
    ControllerOptions options;
    options.instances_dir = dir / "instances";
    options.poll_interval = milliseconds(2);
    options.services = registry.get();
    controller =
        std::make_unique<InstanceController>(&vmm, &clock, instance_store.get(), &images, options);
    REQUIRE(controller->Recover().ok());
    controller->StartThreads();
  }
  ~ControllerFixture() { controller.reset(); }
  Status Create(const std::string& group_json, api::Instance* out,
                std::vector<std::string> features = {}) {
    api::CreateInstanceRequest q;
    q.image = "app:latest";
    q.service_group = nlohmann::json::parse(group_json);
    q.features = std::move(features);
    std::vector<api::Instance> created;
    Status s = controller->Create("alice", q, &created);
    if (s.ok()) *out = created.front();
    return s;
  }
};

}  // namespace

TEST_CASE("services: ephemeral groups of instance creates") {
  ControllerFixture f;
  api::Instance a, b;
  REQUIRE(f.Create(R"({"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]},
                      {"port":80,"destination_port":443,"handlers":["http","redirect"]}]})",
                   &a)
              .ok());
  REQUIRE(a.service_group.has_value());
  CHECK(a.service_group->domains.at(0).fqdn == a.service_group->name + ".local.localhost");
  api::ServiceGroup g;
  REQUIRE(f.registry->Get("alice", a.service_group->uuid, "", &g).ok());
  CHECK(!g.persistent);
  CHECK(g.instances.size() == 1);
  CHECK(f.controller->UsageOf("alice").services == 2);

  // Port rules apply to instance creates too; nothing is created.
  CHECK(f.Create(R"({"services":[{"port":8080,"handlers":["http"]}]})", &b).kind() ==
        Status::Kind::kInvalidArgument);
  CHECK(f.Create(R"({"name":"nope"})", &b).message() == "No service with name 'nope'");
  CHECK(f.Create(R"({"name":"x","services":[]})", &b).kind() == Status::Kind::kInvalidArgument);
  CHECK(f.controller->List("alice").size() == 1);

  // A second instance attaches by name: the group becomes persistent.
  REQUIRE(f.Create(R"({"uuid":"","name":")" + g.name + R"("})", &b).ok());
  CHECK(b.service_group->uuid == g.uuid);
  REQUIRE(f.registry->Get("alice", g.uuid, "", &g).ok());
  CHECK(g.persistent);
  CHECK(g.instances.size() == 2);
  std::string previous;
  api::Instance gone;
  REQUIRE(f.controller->Delete("alice", a.uuid, "", &previous, &gone).ok());
  REQUIRE(f.controller->Delete("alice", b.uuid, "", &previous, &gone).ok());
  REQUIRE(f.registry->Get("alice", g.uuid, "", &g).ok());  // persistent: stays, empty
  CHECK(g.instances.empty());

  // An ephemeral group goes with its only instance: on delete, and on a delete-on-stop stop.
  REQUIRE(f.Create(R"({"services":[{"port":8443,"handlers":["tls"]}]})", &a).ok());
  REQUIRE(f.controller->Delete("alice", a.uuid, "", &previous, &gone).ok());
  CHECK(f.registry->Get("alice", a.service_group->uuid, "", &g).kind() == Status::Kind::kNotFound);
  REQUIRE(f.Create(R"({"domains":[{"name":"dos"}]})", &a, {"delete-on-stop"}).ok());
  CHECK(a.service_group->domains.at(0).fqdn == "dos.local.localhost");
  REQUIRE(f.controller->Start("alice", a.uuid, "", &previous, &a).ok());
  std::vector<api::Instance> now;
  std::vector<bool> reached;
  f.controller->Wait("alice", {a.uuid}, api::kStateRunning,
                     std::chrono::steady_clock::now() + milliseconds(5000), &now, &reached);
  REQUIRE(reached.at(0));  // (a stop before the VM is up does not delete: see the controller)
  REQUIRE(f.controller->Stop("alice", a.uuid, "", {true, 0}, &previous, &a).ok());
  for (int i = 0; i < 1000 && f.registry->List("alice").size() > 1; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  CHECK(f.registry->List("alice").size() == 1);  // only the persistent one is left
  CHECK(f.registry->UsageOf("alice").services == 2);
}
