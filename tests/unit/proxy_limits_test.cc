// Service proxy limits over real sockets on 127.0.0.1: the hard limit of exchanges per instance
// (503 beyond it for HTTP, closed raw TCP connections; never exceeded by requests routed at the
// same instant) and the soft limit waking another standby member.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "proxy_test_util.h"

namespace ukc::proxy::testing {
namespace {

// Route g1 for kAppHost:80 to one backend, with `hard_limit` exchanges per instance.
void PutLimitedRoute(ProxyFixture& f, const TestBackend& backend, int hard_limit) {
  ServiceRoute route = MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()});
  route.hard_limit = hard_limit;
  f.table.Put(route);
}

TEST_CASE("proxy: a request beyond every instance's hard limit gets 503, the others go on") {
  TestBackend backend("b0");
  ProxyFixture f;
  PutLimitedRoute(f, backend, 2);
  std::vector<std::thread> slow;
  std::atomic<int> ok{0};
  for (int k = 0; k < 2; k++) {
    slow.emplace_back([&] {
      auto c = Client::Plain(f.proxy->http_port());
      REQUIRE(c);
      c->Write("GET /slow HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
      if (c->ReadResponse().status == 200) ok++;
    });
  }
  for (int n = 0; n < 100 && f.proxy->balancer().Exchanges("g1-i0") < 2; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(f.proxy->balancer().Exchanges("g1-i0") == 2);
  auto r = Get(f.proxy->http_port(), kAppHost, "/third");
  CHECK(r.status == 503);
  CHECK(r.body.find("hard limit of 2") != std::string::npos);
  for (auto& t : slow) t.join();
  CHECK(ok.load() == 2);
  for (int n = 0; n < 100 && f.proxy->balancer().Exchanges("g1-i0") > 0; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Below the limit again: served, on a new connection as on a kept-alive one.
  CHECK(Get(f.proxy->http_port(), kAppHost, "/after").status == 200);
  auto c = Client::Plain(f.proxy->http_port());
  REQUIRE(c);
  for (int i = 0; i < 3; i++) {
    c->Write("GET /k HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
    CHECK(c->ReadResponse().status == 200);
  }
}

TEST_CASE("proxy: requests arriving together on new connections never exceed the hard limit") {
  // Their connects to the backend are all in flight before any exchange has begun: the limit
  // must count the ones being connected.
  TestBackend backend("b0");
  ProxyFixture f;
  PutLimitedRoute(f, backend, 1);
  std::vector<std::unique_ptr<Client>> clients;
  for (int k = 0; k < 4; k++) {
    clients.push_back(Client::Plain(f.proxy->http_port()));
    REQUIRE(clients.back());
  }
  // Held for 1 s: all four arrive while the first is in flight, even on a loaded machine.
  for (auto& c : clients) c->Write("GET /slow1000 HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  int ok = 0, full = 0;
  for (auto& c : clients) {
    int status = c->ReadResponse().status;
    ok += status == 200;
    full += status == 503;
  }
  CHECK(ok == 1);
  CHECK(full == 3);
  for (int n = 0; n < 100 && f.proxy->balancer().Exchanges("g1-i0") > 0; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(f.proxy->balancer().Exchanges("g1-i0") == 0);
  CHECK(Get(f.proxy->http_port(), kAppHost, "/after").status == 200);
}

TEST_CASE("proxy: exchanges beyond the soft limit wake another standby member") {
  TestBackend backend("b0");
  ProxyFixture f;
  ServiceRoute route = MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()});
  route.scale_to_zero = true;
  route.soft_limit = 2;
  route.standby = 1;
  f.table.Put(route);
  auto slow_requests = [&](int n) {
    std::vector<std::thread> clients;
    for (int k = 0; k < n; k++) {
      clients.emplace_back([&] {
        auto c = Client::Plain(f.proxy->http_port());
        REQUIRE(c);
        c->Write("GET /slow HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
        CHECK(c->ReadResponse().status == 200);
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // in order
    }
    for (auto& t : clients) t.join();
  };
  slow_requests(2);  // at the soft limit, not beyond
  CHECK(f.events.wake_anothers.load() == 0);
  slow_requests(3);  // the third starts while two are in flight
  CHECK(f.events.wake_anothers.load() == 1);
  route.standby = 0;  // none left to wake: the one running goes above the soft limit
  f.table.Put(route);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  slow_requests(3);
  CHECK(f.events.wake_anothers.load() == 1);
  for (int n = 0; n < 100 && f.proxy->balancer().Exchanges("g1-i0") > 0; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the last write's completion
  }
  CHECK(f.proxy->balancer().Exchanges("g1-i0") == 0);
}

TEST_CASE("proxy: raw TCP connections arriving together never exceed the hard limit") {
  TestBackend echo("echo", /*raw=*/true);
  ProxyFixture f;
  ServiceRoute route = MakeRoute("g1", kAppHost, {{9, 8080, {}}}, {echo.port()});
  route.hard_limit = 1;
  f.table.Put(route);
  int port = f.proxy->ListenPortFor(9);
  REQUIRE(port > 0);
  std::vector<std::unique_ptr<Client>> clients;
  for (int k = 0; k < 3; k++) clients.push_back(Client::Plain(port));
  int spliced = 0, closed = 0;
  for (auto& c : clients) {
    REQUIRE(c);
    c->Write("hi");
    std::string got = c->ReadSome();
    spliced += got == "echo:hi";
    closed += got.empty();
  }
  CHECK(spliced == 1);
  CHECK(closed == 2);
  clients.clear();
  for (int n = 0; n < 100 && f.proxy->balancer().Exchanges("g1-i0") > 0; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto c = Client::Plain(port);
  REQUIRE(c);
  c->Write("again");
  CHECK(c->ReadSome() == "echo:again");
}

}  // namespace
}  // namespace ukc::proxy::testing
