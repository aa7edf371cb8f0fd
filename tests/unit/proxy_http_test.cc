// Service proxy over real sockets on 127.0.0.1 (ephemeral ports), plain HTTP side: keep-alive,
// X-Forwarded-*, streamed bodies both ways, redirect, errors (404/400/431/502/503), least
// connections, fail-over, Upgrade passthrough, raw TCP and scale-to-zero wake. The soft and hard
// limits: proxy_limits_test.cc.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "proxy_test_util.h"

namespace ukc::proxy::testing {
namespace {

TEST_CASE("proxy: HTTP keep-alive, X-Forwarded-*, streamed bodies") {
  TestBackend backend("b0");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}));
  auto c = Client::Plain(f.proxy->http_port());
  REQUIRE(c);
  for (int i = 0; i < 3; i++) {
    c->Write("GET /k" + std::to_string(i) + " HTTP/1.1\r\nHost: App.Local.Localhost:7480\r\n\r\n");
    auto r = c->ReadResponse();
    CHECK(r.status == 200);
    CHECK(r.body == "name=b0;path=/k" + std::to_string(i) +
                        ";xff=127.0.0.1;proto=http;xhost=App.Local.Localhost:7480;body=");
  }
  CHECK(backend.accepted() == 1);  // one backend connection kept alive

  // A chunked request body sent in pieces, then a chunked response streamed in parts.
  c->Write("POST /up HTTP/1.1\r\nHost: " + kAppHost +
           "\r\nX-Forwarded-For: 10.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  c->Write("lo\r\n6\r\n world\r\n0\r\n\r\n");
  auto r = c->ReadResponse();
  CHECK(r.status == 200);
  CHECK(r.body.find("xff=10.0.0.1, 127.0.0.1;") != std::string::npos);
  CHECK(r.body.find(";body=hello world") != std::string::npos);
  c->Write("GET /stream HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  r = c->ReadResponse();
  CHECK(r.status == 200);
  CHECK(r.body == "part-0part-1part-2");
  c->Write("POST /len HTTP/1.1\r\nHost: " + kAppHost + "\r\nContent-Length: 4\r\n\r\nab");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  c->Write("cd");
  r = c->ReadResponse();
  CHECK(r.body.find(";body=abcd") != std::string::npos);
  CHECK(backend.accepted() == 1);
  // Six exchanges, each finished once its response was through; the connection stays open.
  for (int n = 0; n < 100 && f.events.exchanges_finished("g1-i0") < 6; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(f.events.exchanges_started("g1-i0") == 6);
  CHECK(f.events.exchanges_finished("g1-i0") == 6);
  CHECK(f.events.closed("g1-i0") == 0);
  c.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.events.opened("g1-i0") == 1);
  CHECK(f.events.closed("g1-i0") == 1);
}

TEST_CASE("proxy: a small response goes out whole, a large one streams, a cut one is a 502") {
  TestBackend backend("b0");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}));
  auto c = Client::Plain(f.proxy->http_port());
  REQUIRE(c);
  // The backend sends the head 300 ms before the 10-byte body: the client's first read has both.
  c->Write("GET /split HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  std::string first = c->ReadSome();
  CHECK(first.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(first.size() >= 10);
  CHECK(first.substr(first.size() - 10) == "split body");

  // Beyond 16 KiB the head is not held back: it arrives before the body is sent.
  c->Write("GET /split-big HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  first = c->ReadSome();
  CHECK(first.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(first.find("\r\n\r\n") == first.size() - 4);
  std::string body;
  while (body.size() < 20000) {
    std::string more = c->ReadSome();
    if (more.empty()) break;
    body += more;
  }
  CHECK(body == std::string(20000, 'x'));
  c->Write("GET /k HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  CHECK(c->ReadResponse().status == 200);

  // The backend ends the connection 3 bytes into a held response: nothing went out yet, so 502.
  auto cut = Client::Plain(f.proxy->http_port());
  REQUIRE(cut);
  cut->Write("GET /cut HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  auto r = cut->ReadResponse();
  CHECK(r.status == 502);
  CHECK(r.body == "the instance closed the connection in the middle of a response\n");
}

TEST_CASE("proxy: the client's connection outlives a backend that closes after a response") {
  TestBackend backend("b0");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}));
  auto c = Client::Plain(f.proxy->http_port());
  REQUIRE(c);
  for (int i = 0; i < 2; i++) {
    c->Write("GET /close HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
    auto r = c->ReadResponse();
    CHECK(r.status == 200);
    CHECK(r.version == "HTTP/1.1");  // the proxy's own version, not the backend's HTTP/1.0
    CHECK(r.body.find("path=/close;") != std::string::npos);
    CHECK(r.headers.count("connection") == 0);  // hop-by-hop: the backend's, not the client's
    CHECK(r.headers.count("keep-alive") == 0);
    CHECK(r.headers["content-length"] == std::to_string(r.body.size()));
  }
  c->Write("GET /k HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
  CHECK(c->ReadResponse().status == 200);
  CHECK(backend.accepted() == 3);  // a new backend connection per closing response

  // An HTTP/1.0 client asking for keep-alive is told it is kept.
  auto old = Client::Plain(f.proxy->http_port());
  REQUIRE(old);
  old->Write("GET /close HTTP/1.0\r\nHost: " + kAppHost + "\r\nConnection: keep-alive\r\n\r\n");
  auto r = old->ReadResponse();
  CHECK(r.status == 200);
  CHECK(r.headers["connection"] == "keep-alive");
  old->Write("GET /k HTTP/1.0\r\nHost: " + kAppHost + "\r\n\r\n");  // no keep-alive asked
  CHECK(old->ReadResponse().status == 200);
  CHECK(old->ClosedByPeer());

  // A client that closes gets the proxy's HTTP/1.1 and `Connection: close` (RFC 9110 §6.2, §7.6.1)
  // whatever the backend said: its HTTP/1.0 with keep-alive fields, or its HTTP/1.1.
  for (const std::string path : {"/close", "/k"}) {
    auto closing = Client::Plain(f.proxy->http_port());
    REQUIRE(closing);
    closing->Write("GET " + path + " HTTP/1.1\r\nHost: " + kAppHost +
                   "\r\nConnection: close\r\n\r\n");
    r = closing->ReadResponse();
    CHECK(r.status == 200);
    CHECK(r.version == "HTTP/1.1");
    CHECK(r.headers["connection"] == "close");
    CHECK(r.headers.count("keep-alive") == 0);
    CHECK(r.body.find("path=" + path + ";") != std::string::npos);
    CHECK(closing->ClosedByPeer());
  }
}

TEST_CASE("proxy: a large body both ways on one keep-alive connection") {
  TestBackend backend("b0");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}));
  auto c = Client::Plain(f.proxy->http_port());
  std::string big(1 << 20, 'x');
  for (int i = 0; i < 2; i++) {
    std::thread writer([&] {
      c->Write("PUT /big HTTP/1.1\r\nHost: " + kAppHost +
               "\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big);
    });
    auto r = c->ReadResponse();
    writer.join();
    CHECK(r.status == 200);
    CHECK(r.body.size() > big.size());
    CHECK(r.body.compare(r.body.size() - big.size(), big.size(), big) == 0);
  }
  CHECK(backend.accepted() == 1);
}

TEST_CASE("proxy: redirect to https, unknown host, malformed and oversized requests") {
  TestBackend backend("b0");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost,
                        {{443, 8080, {"http", "tls"}}, {80, 443, {"http", "redirect"}}},
                        {backend.port()}));
  auto r = Get(f.proxy->http_port(), kAppHost, "/x?y=1");
  CHECK(r.status == 301);
  CHECK(r.headers["location"] ==
        "https://" + kAppHost + ":" + std::to_string(f.proxy->tls_port()) + "/x?y=1");

  r = Get(f.proxy->http_port(), "nobody.local.localhost");
  CHECK(r.status == 404);
  CHECK(r.body.find("no service") != std::string::npos);

  auto c = Client::Plain(f.proxy->http_port());
  c->Write("GARBAGE\r\n\r\n");
  CHECK(c->ReadResponse().status == 400);
  CHECK(c->ClosedByPeer());

  c = Client::Plain(f.proxy->http_port());
  c->Write("GET / HTTP/1.1\r\nHost: " + kAppHost + "\r\nX-Big: " + std::string(70000, 'a'));
  CHECK(c->ReadResponse().status == 431);
  CHECK(backend.accepted() == 0);
}

TEST_CASE("proxy: least connections spreads over two backends") {
  TestBackend a("a"), b("b");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {a.port(), b.port()}));
  std::vector<std::unique_ptr<Client>> clients;
  std::map<std::string, int> served;
  for (int i = 0; i < 10; i++) {
    clients.push_back(Client::Plain(f.proxy->http_port()));
    clients.back()->Write("GET / HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
    served[clients.back()->ReadResponse().body.substr(0, 6)]++;
  }
  CHECK(served["name=a"] == 5);
  CHECK(served["name=b"] == 5);
  CHECK(f.proxy->balancer().Connections("g1-i0") == 5);
  CHECK(f.proxy->balancer().Connections("g1-i1") == 5);
  clients.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.proxy->balancer().Connections("g1-i0") == 0);
}

TEST_CASE("proxy: a dead backend fails over; none left gives 502; none running gives 503") {
  TestBackend alive("alive");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {RefusedPort(), alive.port()}));
  for (int i = 0; i < 4; i++) {
    auto r = Get(f.proxy->http_port(), kAppHost);
    CHECK(r.status == 200);
    CHECK(r.body.substr(0, 10) == "name=alive");
  }
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {RefusedPort()}));
  auto r = Get(f.proxy->http_port(), kAppHost);
  CHECK(r.status == 502);
  CHECK(r.body.find("no instance") != std::string::npos);
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {alive.port()}, /*running=*/false));
  CHECK(Get(f.proxy->http_port(), kAppHost).status == 503);
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {}));
  CHECK(Get(f.proxy->http_port(), kAppHost).status == 503);
}

TEST_CASE("proxy: scale-to-zero route is woken, then served") {
  TestBackend backend("woken");
  ProxyFixture f;
  ServiceRoute route = MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}, /*running=*/false);
  route.scale_to_zero = true;
  f.table.Put(route);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 3; i++) {
    threads.emplace_back([&] { ok += Get(f.proxy->http_port(), kAppHost).status == 200; });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 3);
  CHECK(f.events.wakes == 1);  // the waiting connections shared one wake
}

TEST_CASE("proxy: a request for an instance still booting or not listening is held, then served") {
  TestBackend backend("booting");
  ProxyFixture f;
  // Not a backend yet (not listening), but on its way; the group does not scale to zero.
  ServiceRoute route = MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}, /*running=*/false);
  route.pending = 1;
  f.table.Put(route);
  auto r = Get(f.proxy->http_port(), kAppHost);
  CHECK(r.status == 200);
  CHECK(r.body.substr(0, 12) == "name=booting");
  CHECK(f.events.wakes == 1);
  // Nothing on its way: no wait, a 503 at once.
  route.pending = 0;
  f.table.Put(route);
  r = Get(f.proxy->http_port(), kAppHost);
  CHECK(r.status == 503);
  CHECK(r.body == "no instance of the service is running\n");
  CHECK(f.events.wakes == 1);
}

TEST_CASE("proxy: Upgrade switches to a byte splice") {
  TestBackend backend("b0");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {backend.port()}));
  auto c = Client::Plain(f.proxy->http_port());
  c->Write("GET /ws HTTP/1.1\r\nHost: " + kAppHost +
           "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
  auto r = c->ReadResponse();
  REQUIRE(r.status == 101);
  c->Write("ping");
  CHECK(c->ReadSome() == "ws:ping");
  c->Write("again");
  CHECK(c->ReadSome() == "ws:again");
}

TEST_CASE("proxy: a port without handlers is a raw TCP splice on a mapped port") {
  TestBackend echo("echo", /*raw=*/true);
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {{9, 8080, {}}}, {echo.port()}));
  int port = f.proxy->ListenPortFor(9);
  REQUIRE(port > 0);
  CHECK(port != 9);  // privileged: mapped
  auto c = Client::Plain(port);
  REQUIRE(c);
  c->Write("hello");
  CHECK(c->ReadSome() == "echo:hello");
  CHECK(f.events.exchanges_started("g1-i0") == 1);  // a splice is one exchange while it lasts
  CHECK(f.events.exchanges_finished("g1-i0") == 0);
  c.reset();
  for (int n = 0; n < 100 && f.events.exchanges_finished("g1-i0") < 1; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(f.events.exchanges_finished("g1-i0") == 1);
  f.table.Remove("g1");
  CHECK(f.proxy->ListenPortFor(9) == 0);
}

}  // namespace
}  // namespace ukc::proxy::testing
