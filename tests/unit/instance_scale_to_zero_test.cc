// The controller's service-proxy side over the FakeVmm: routes follow the groups and running
// instances, connection counts keep scale-to-zero instances up and end draining, idle instances
// go to standby (stop_reason 7), Wake boots or restores them.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "controller_fixture.h"

using namespace ukc;
using namespace ukc::platform;
using std::chrono::milliseconds;
using ukc::testing::ControllerFixture;

TEST_CASE("routes: a group's FQDN, ports and running instances' host ports") {
  ControllerFixture f;
  api::Instance i = f.Create("", false, /*replicas=*/1);
  REQUIRE(i.service_group.has_value());
  f.WaitFor(i.uuid, "running");
  proxy::ServiceRoute route = f.RouteOf(i, 2);
  CHECK(route.group_uuid == i.service_group->uuid);
  CHECK(route.fqdns == std::vector<std::string>{i.service_group->domains[0].fqdn});
  REQUIRE(route.ports.size() == 1);
  CHECK(route.ports[0].destination_port == 8080);
  CHECK(!route.scale_to_zero);
  for (const auto& b : route.backends) {
    CHECK(b.running);
    CHECK(b.host_ports.at(8080) >= 32000);
  }
  std::string previous;
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {true, 0}, &previous, &i).ok());
  route = f.RouteOf(i, 1);  // the stopped one is out of rotation
  CHECK(route.backends[0].instance_uuid != i.uuid);
  std::string stopped = i.uuid;
  REQUIRE(f.controller->Delete("alice", route.backends[0].instance_uuid, "", &previous, &i).ok());
  REQUIRE(f.controller->Delete("alice", stopped, "", &previous, &i).ok());
  // Two instances made the group persistent: it stays, without backends.
  for (int n = 0; n < 500 && !f.routes.All().at(0).backends.empty(); ++n) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  REQUIRE(f.routes.All().size() == 1);
  CHECK(f.routes.All()[0].backends.empty());
}

TEST_CASE("scale-to-zero: idle → standby (reason 7); a connection keeps it up; Wake boots it") {
  ControllerFixture f;
  api::Instance i = f.Create("on", false);
  i = f.WaitFor(i.uuid, "running");
  f.controller->ConnectionOpened(i.uuid);
  std::this_thread::sleep_for(milliseconds(200));  // > cooldown, but a connection is open
  REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  CHECK(i.state == "running");
  f.controller->ConnectionClosed(i.uuid);
  i = f.WaitFor(i.uuid, "standby");
  CHECK(i.state == "standby");
  CHECK(i.stop_reason == 7);
  proxy::ServiceRoute route = f.RouteOf(i, 0);
  CHECK(route.scale_to_zero);

  REQUIRE(f.controller
              ->Wake(i.service_group->uuid, 0,
                     std::chrono::steady_clock::now() + milliseconds(2000), &route)
              .ok());
  REQUIRE(route.backends.size() == 1);
  CHECK(route.backends[0].running);
  REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  CHECK(i.state == "running");
  CHECK(i.start_count == 2);
  CHECK(f.vmm.launched().back().restore_from.empty());  // stateless: a fresh boot

  std::string previous;  // a standby instance stops for good
  i = f.WaitFor(i.uuid, "standby");
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {}, &previous, &i).ok());
  CHECK(previous == "standby");
  CHECK(i.state == "stopped");
  proxy::ServiceRoute none;
  CHECK(f.controller
            ->Wake(i.service_group->uuid, 0, std::chrono::steady_clock::now() + milliseconds(200),
                   &none)
            .kind() == Status::Kind::kUnavailable);
}

TEST_CASE("scale-to-zero: stateful instances are snapshotted and restored") {
  ControllerFixture f;
  api::Instance i = f.Create("on", true);
  i = f.WaitFor(i.uuid, "running");
  i = f.WaitFor(i.uuid, "standby");
  REQUIRE(i.state == "standby");
  CHECK(i.stop_reason == 7);
  std::filesystem::path snapshot = f.dir / "instances" / i.uuid / "standby.snapshot";
  CHECK(std::filesystem::exists(snapshot));
  proxy::ServiceRoute route;
  REQUIRE(f.controller
              ->Wake(i.service_group->uuid, 0,
                     std::chrono::steady_clock::now() + milliseconds(2000), &route)
              .ok());
  CHECK(f.vmm.launched().back().restore_from == snapshot);
  CHECK(route.backends.size() == 1);
}

TEST_CASE(
    "scale-to-zero: a stateless standby instance gets a ready snapshot that a wake restores") {
  ControllerFixture f(/*ports_listen=*/true);
  api::Instance i = f.Create("on", false);
  i = f.WaitFor(i.uuid, "running");
  i = f.WaitFor(i.uuid, "standby");
  REQUIRE(i.state == "standby");
  std::filesystem::path snapshot = f.dir / "instances" / i.uuid / "standby.snapshot";
  for (int n = 0; n < 1000 && !std::filesystem::exists(snapshot); ++n) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  REQUIRE(std::filesystem::exists(snapshot));
  vmm::LaunchSpec prepared = f.vmm.launched().back();  // a fresh boot, off the instance's dir
  CHECK(prepared.restore_from.empty());
  CHECK(prepared.instance_dir == f.dir / "instances" / i.uuid / "ready");
  CHECK(prepared.guest_ports == std::vector<int>{8080});
  REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  CHECK(i.state == "standby");  // preparing does not show

  proxy::ServiceRoute route;
  REQUIRE(f.controller
              ->Wake(i.service_group->uuid, 0,
                     std::chrono::steady_clock::now() + milliseconds(2000), &route)
              .ok());
  CHECK(f.vmm.launched().back().restore_from == snapshot);
  CHECK(f.vmm.launched().back().instance_dir == f.dir / "instances" / i.uuid);
  REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  CHECK(i.state == "running");
  CHECK(i.start_count == 2);

  // A wake while the next preparation still boots cancels it and boots the instance.
  vmm::FakeScript slow;
  slow.boot_delay = milliseconds(5000);
  f.vmm.SetScript(i.uuid + "-ready-2", slow);
  i = f.WaitFor(i.uuid, "standby");
  REQUIRE(i.state == "standby");
  for (int n = 0; n < 1000 && f.vmm.launched().back().instance_dir.filename() != "ready"; ++n) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  REQUIRE(f.controller
              ->Wake(i.service_group->uuid, 0,
                     std::chrono::steady_clock::now() + milliseconds(2000), &route)
              .ok());
  CHECK(f.vmm.launched().back().restore_from.empty());
  CHECK(f.vmm.launched().back().instance_dir == f.dir / "instances" / i.uuid);
  for (int n = 0; n < 1000; ++n) {  // the preparing VM goes away
    auto ids = f.vmm.List();
    if (std::find(ids.begin(), ids.end(), i.uuid + "-ready-2") == ids.end()) break;
    std::this_thread::sleep_for(milliseconds(2));
  }
  auto ids = f.vmm.List();
  CHECK(std::find(ids.begin(), ids.end(), i.uuid + "-ready-2") == ids.end());
}

TEST_CASE("scale-to-zero: the image's labels are defaults that the request overrides") {
  ControllerFixture f;
  f.images.labels = {{"cloud.unikraft.v1.instances/scale_to_zero.policy", "on"},
                     {"cloud.unikraft.v1.instances/scale_to_zero.stateful", "true"},
                     {"cloud.unikraft.v1.instances/scale_to_zero.cooldown_time_ms", "3000"}};
  api::CreateInstanceRequest q;
  q.image = "web:latest";
  q.service_group = nlohmann::json::parse(
      R"({"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]}]})");
  std::vector<api::Instance> created;
  REQUIRE(f.controller->Create("alice", q, &created).ok());
  REQUIRE(created.at(0).scale_to_zero.has_value());
  CHECK(created[0].scale_to_zero->policy == "on");
  CHECK(created[0].scale_to_zero->stateful);
  CHECK(created[0].scale_to_zero->cooldown_time_ms == 3000);

  // The request's own fields win; the ones it leaves out still come from the labels.
  std::string error, unsupported;
  REQUIRE(api::ParseCreateInstanceRequest(
      nlohmann::json::parse(R"({"image":"web:latest","scale_to_zero":{"policy":"idle",
          "cooldown_time_ms":500},"service_group":{"services":[{"port":443,
          "destination_port":8080,"handlers":["http","tls"]}]}})"),
      &q, &error, &unsupported));
  created.clear();
  REQUIRE(f.controller->Create("alice", q, &created).ok());
  CHECK(created.at(0).scale_to_zero->policy == "idle");
  CHECK(created[0].scale_to_zero->cooldown_time_ms == 500);
  CHECK(created[0].scale_to_zero->stateful);

  // Without published ports the image's policy cannot apply: off, and the create succeeds.
  api::CreateInstanceRequest bare;
  bare.image = "web:latest";
  created.clear();
  REQUIRE(f.controller->Create("alice", bare, &created).ok());
  CHECK(created.at(0).scale_to_zero->policy == "off");

  // A label that is not a policy: a clear error naming it, nothing created.
  f.images.labels["cloud.unikraft.v1.instances/scale_to_zero.policy"] = "sometimes";
  created.clear();
  Status s = f.controller->Create("alice", q, &created);
  CHECK(s.ok());  // the request set the policy itself: the label is not used
  q.scale_to_zero_keys.erase("policy");
  created.clear();
  size_t before = f.controller->List("alice").size();
  s = f.controller->Create("alice", q, &created);
  CHECK(s.kind() == Status::Kind::kInvalidArgument);
  CHECK(s.message().find("scale_to_zero.policy") != std::string::npos);
  CHECK(s.message().find("sometimes") != std::string::npos);
  CHECK(f.controller->List("alice").size() == before);
}

TEST_CASE("scale-to-zero `idle`: an open connection between exchanges does not keep it up") {
  ControllerFixture f;
  api::Instance i = f.Create("idle", false);
  i = f.WaitFor(i.uuid, "running");
  f.controller->ConnectionOpened(i.uuid);
  f.controller->ExchangeStarted(i.uuid);
  std::this_thread::sleep_for(milliseconds(200));  // > cooldown, but a request is in flight
  REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  CHECK(i.state == "running");
  f.controller->ExchangeFinished(i.uuid);  // the keep-alive connection stays open
  i = f.WaitFor(i.uuid, "standby");
  CHECK(i.state == "standby");
  CHECK(i.stop_reason == 7);

  // Policy `on` counts the open connection itself.
  api::Instance on = f.Create("on", false);
  on = f.WaitFor(on.uuid, "running");
  f.controller->ConnectionOpened(on.uuid);
  std::this_thread::sleep_for(milliseconds(200));
  REQUIRE(f.controller->Get("alice", on.uuid, "", &on).ok());
  CHECK(on.state == "running");
}

TEST_CASE("scale-to-zero: WakeAnother starts one more standby member at a time") {
  ControllerFixture f;
  api::Instance first = f.Create("on", false, /*replicas=*/2);
  std::string group = first.service_group->uuid;
  std::vector<std::string> members;
  for (const auto& i : f.controller->List("alice")) members.push_back(i.uuid);
  REQUIRE(members.size() == 3);
  auto state_count = [&](const std::string& state) {
    int n = 0;
    for (const auto& i : f.controller->List("alice")) n += i.state == state;
    return n;
  };
  for (const auto& uuid : members) f.WaitFor(uuid, "standby");
  proxy::ServiceRoute route = f.RouteOf(first, 0);
  CHECK(route.standby == 3);
  CHECK(route.soft_limit == 1);  // the platform's default

  REQUIRE(
      f.controller->Wake(group, 0, std::chrono::steady_clock::now() + milliseconds(2000), &route)
          .ok());
  CHECK(route.backends.size() == 1);
  f.controller->WakeAnother(group);
  f.controller->WakeAnother(group);  // the second one is still on its way: nothing more
  CHECK(state_count("standby") == 1);
  for (int n = 0; n < 500 && state_count("running") < 2; ++n) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  f.controller->WakeAnother(group);
  // Each member booted twice: created, parked, woken (idle ones may park again meanwhile).
  auto woken = [&] {
    int n = 0;
    for (const auto& i : f.controller->List("alice")) n += i.start_count == 2;
    return n;
  };
  for (int n = 0; n < 500 && woken() < 3; ++n) std::this_thread::sleep_for(milliseconds(2));
  CHECK(woken() == 3);
}

TEST_CASE("draining ends when the proxied connections close") {
  ControllerFixture f;
  api::Instance i = f.Create("", false);
  i = f.WaitFor(i.uuid, "running");
  f.controller->ConnectionOpened(i.uuid);
  std::string previous;
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {false, 60000}, &previous, &i).ok());
  CHECK(i.state == "draining");
  std::this_thread::sleep_for(milliseconds(50));
  REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  CHECK(i.state == "draining");
  f.controller->ConnectionClosed(i.uuid);
  i = f.WaitFor(i.uuid, "stopped");
  CHECK(i.state == "stopped");
}
