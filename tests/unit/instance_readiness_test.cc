// Routing readiness over the FakeVmm: an instance's port is published to the proxy only once its
// app listens there (reported by the guest, probed for guests that do not report, at once after
// a restore); until then the route counts it as pending, and Wake holds a connection until it
// listens — or answers why not.
#include <doctest/doctest.h>

#include <atomic>

#include "controller_fixture.h"

using namespace ukc;
using namespace ukc::platform;
using ukc::testing::ControllerFixture;

namespace {

vmm::FakeScript ListeningAfter(std::optional<milliseconds> delay, bool reports = true) {
  vmm::FakeScript script = ControllerFixture::QuickScript();
  script.listen_after = delay;
  script.reports_listening = reports;
  return script;
}

// The group's route as published now (nullopt until the group has one).
std::optional<proxy::ServiceRoute> Published(ControllerFixture& f, const api::Instance& i) {
  return f.routes.Find(i.service_group->domains.at(0).fqdn, 443);
}

}  // namespace

TEST_CASE("readiness: a running instance is routed only once its app listens") {
  ControllerFixture f(false, ListeningAfter(milliseconds(300)));
  api::Instance i = f.Create("", false);
  i = f.WaitFor(i.uuid, "running");
  CHECK(i.state == "running");  // the API says running at app start, as the platform does
  auto route = Published(f, i);
  REQUIRE(route.has_value());
  CHECK(route->backends.empty());  // not listening yet: nothing to send traffic to
  CHECK(route->pending == 1);
  proxy::ServiceRoute listening = f.RouteOf(i, 1);
  CHECK(listening.backends[0].instance_uuid == i.uuid);
  CHECK(listening.backends[0].host_ports.count(8080) == 1);
  CHECK(listening.pending == 0);
}

TEST_CASE("readiness: Wake holds a connection while the only instance boots, until it listens") {
  ControllerFixture f(false, ListeningAfter(milliseconds(200)));
  api::Instance i = f.Create("", false);
  auto began = std::chrono::steady_clock::now();
  proxy::ServiceRoute route;
  Status s = f.controller->Wake(i.service_group->uuid, 8080,
                                std::chrono::steady_clock::now() + milliseconds(3000), &route);
  REQUIRE(s.ok());
  CHECK(std::chrono::steady_clock::now() - began >= milliseconds(200));
  REQUIRE(route.backends.size() == 1);
  CHECK(route.backends[0].host_ports.count(8080) == 1);
}

TEST_CASE("readiness: an app that never listens gets a timeout naming the reason") {
  ControllerFixture f(false, ListeningAfter(std::nullopt));
  api::Instance i = f.Create("", false);
  f.WaitFor(i.uuid, "running");
  proxy::ServiceRoute route;
  Status s = f.controller->Wake(i.service_group->uuid, 8080,
                                std::chrono::steady_clock::now() + milliseconds(300), &route);
  CHECK(s.kind() == Status::Kind::kUnavailable);
  CHECK(s.message().find("listens on port 8080") != std::string::npos);
  CHECK(s.message().find("does not listen") != std::string::npos);
  CHECK(Published(f, i)->pending == 1);
}

TEST_CASE("readiness: a guest that does not report is probed from the host") {
  std::atomic<int> probes{0};
  ControllerFixture f(false, ListeningAfter(std::nullopt, /*reports=*/false));
  // A probe that succeeds from the third try on (the fixture's own has no port_ready).
  f.controller.reset();
  ControllerOptions options;
  options.instances_dir = f.dir / "instances2";
  options.poll_interval = milliseconds(2);
  options.services = f.services.get();
  options.routes = &f.routes;
  options.ready_snapshots = false;
  options.port_ready = [&](int) { return ++probes >= 3; };
  f.controller =
      std::make_unique<InstanceController>(&f.vmm, &f.clock, f.store.get(), &f.images, options);
  REQUIRE(f.controller->Recover().ok());
  f.controller->StartThreads();
  api::Instance i = f.Create("", false);
  proxy::ServiceRoute route = f.RouteOf(i, 1);
  CHECK(route.backends[0].instance_uuid == i.uuid);
  CHECK(probes >= 3);
}

TEST_CASE("readiness: a stopped instance is neither a backend nor pending") {
  ControllerFixture f(false, ListeningAfter(std::nullopt));
  api::Instance i = f.Create("", false);
  f.WaitFor(i.uuid, "running");
  std::string previous;
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {true, 0}, &previous, &i).ok());
  f.WaitFor(i.uuid, "stopped");
  for (int n = 0; n < 500 && Published(f, i)->pending != 0; ++n) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  CHECK(Published(f, i)->pending == 0);
  proxy::ServiceRoute route;
  Status s = f.controller->Wake(i.service_group->uuid, 8080,
                                std::chrono::steady_clock::now() + milliseconds(300), &route);
  CHECK(s.message().find("no instance of the service is running") != std::string::npos);
}
