// Per-request balancing and the pool of parked backend connections: LoadBalancer by requests in
// flight, UpstreamPool over real loopback sockets, and the proxy moving one keep-alive client
// between two backends (reusing parked connections) and parking a leaving client's connection.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <thread>

#include "proxy/upstream_pool.h"
#include "proxy_test_util.h"

namespace ukc::proxy::testing {
namespace {

using boost::asio::ip::tcp;

TEST_CASE("proxy: per request, the backend with the fewest requests in flight") {
  LoadBalancer lb(nullptr, std::chrono::milliseconds(200));
  ServiceRoute route;
  route.ports = {{80, 8080, {"http"}}};
  route.backends = {{"a", {{8080, 1001}}, true}, {"b", {{8080, 1002}}, true}};
  BackendPick a{"a", 1001}, b{"b", 1002};
  // b has more connections but nothing in flight (their first requests are done); a has one
  // request in flight.
  for (int i = 0; i < 2; i++) lb.Reserve(route, 8080, {"a"});
  CHECK(lb.Exchanges("b") == 2);  // a pick's first exchange starts with it
  for (int i = 0; i < 2; i++) lb.ExchangeFinished(b);
  lb.ExchangeStarted(a, route);
  auto pick = lb.Reserve(route, 8080, {}, Balance::kRequests);
  REQUIRE(pick);
  CHECK(pick->instance_uuid == "b");
  lb.Unreserve(*pick);
  CHECK(lb.Exchanges("b") == 0);
  pick = lb.Reserve(route, 8080, {}, Balance::kConnections);
  REQUIRE(pick);
  CHECK(pick->instance_uuid == "a");
  lb.ExchangeFinished(*pick);
  CHECK_FALSE(lb.ShouldKeep(route, 8080, a));
  CHECK(lb.ShouldKeep(route, 8080, b));
  lb.ExchangeFinished(a);
  CHECK(lb.ShouldKeep(route, 8080, a));  // a tie keeps the connection
  // Equal requests in flight: fewer connections wins (a: 1 reserved above, b: 2).
  pick = lb.Reserve(route, 8080, {}, Balance::kRequests);
  REQUIRE(pick);
  CHECK(pick->instance_uuid == "a");
  lb.Unreserve(*pick);
  // An instance at its hard limit does not count as a better choice.
  route.hard_limit = 1;
  lb.ExchangeStarted(b, route);
  lb.ExchangeStarted(a, route);
  lb.ExchangeStarted(a, route);  // over the limit (routed before it was set)
  CHECK(lb.ShouldKeep(route, 8080, a));
}

// A listening socket on 127.0.0.1 that accepts into `accepted`.
struct Server {
  explicit Server(boost::asio::io_context& io)
      : acceptor(io, {boost::asio::ip::address_v4::loopback(), 0}) {}
  tcp::socket Connect(boost::asio::io_context& io) {
    tcp::socket s(io);
    s.connect(acceptor.local_endpoint());
    accepted.push_back(acceptor.accept());
    return s;
  }
  tcp::acceptor acceptor;
  std::vector<tcp::socket> accepted;
};

TEST_CASE("proxy: the upstream pool hands out live, recent connections, newest first") {
  boost::asio::io_context io;
  Server server(io);
  BackendPick pick{"a", server.acceptor.local_endpoint().port()};
  UpstreamPool pool(io.get_executor(), std::chrono::milliseconds(300), 2);
  CHECK_FALSE(pool.Take(pick));

  boost::system::error_code ec;
  tcp::socket first = server.Connect(io), second = server.Connect(io);
  auto second_port = second.local_endpoint().port();
  pool.Park(pick, std::move(first));
  pool.Park(pick, std::move(second));
  CHECK(pool.idle() == 2);
  CHECK_FALSE(pool.Take(BackendPick{"b", pick.host_port}));  // by instance and port
  auto taken = pool.Take(pick);
  REQUIRE(taken);
  CHECK(taken->local_endpoint().port() == second_port);
  CHECK(pool.idle() == 1);

  // Closed by the backend, or holding bytes nobody asked for: not handed out.
  server.accepted[0].close();
  pool.Park(pick, std::move(*taken));
  server.accepted[1].send(boost::asio::buffer("x", 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(pool.Take(pick));
  CHECK(pool.idle() == 0);

  // At most 2 per backend (the oldest goes), and none after max_idle.
  for (int i = 0; i < 3; i++) pool.Park(pick, server.Connect(io));
  CHECK(pool.idle() == 2);
  CHECK(pool.Take(pick));
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  CHECK_FALSE(pool.Take(pick));
  // Closed by the timer when nobody asks for them.
  pool.Park(pick, server.Connect(io));
  pool.Park(pick, server.Connect(io));
  CHECK(pool.idle() == 2);
  io.run_for(std::chrono::milliseconds(450));
  CHECK(pool.idle() == 0);
  char byte;
  CHECK(server.accepted.back().receive(boost::asio::buffer(&byte, 1), 0, ec) == 0);
  CHECK(ec == boost::asio::error::eof);  // the backend saw it closed
  pool.Park(pick, server.Connect(io));
  pool.Clear();
  CHECK(pool.idle() == 0);
}

// A request for `path` on a new connection, in a thread.
std::thread Background(int port, const std::string& path) {
  return std::thread([port, path] {
    auto c = Client::Plain(port);
    if (!c) return;
    c->Write("GET " + path + " HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
    c->ReadResponse();
  });
}

bool AwaitExchanges(const ServiceProxy& proxy, const std::string& uuid, int n) {
  for (int i = 0; i < 500 && proxy.balancer().Exchanges(uuid) != n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return proxy.balancer().Exchanges(uuid) == n;
}

TEST_CASE("proxy: a keep-alive client follows the fewest requests in flight, reusing connections") {
  TestBackend a("a"), b("b");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kAppHost, {kHttp80}, {a.port(), b.port()}));
  const int port = f.proxy->http_port();
  auto c = Client::Plain(port);
  REQUIRE(c);
  auto ask = [&c] {
    c->Write("GET / HTTP/1.1\r\nHost: " + kAppHost + "\r\n\r\n");
    return c->ReadResponse().body.substr(0, 6);
  };
  auto accepted = [&] { return a.accepted() + b.accepted(); };
  const std::string first = ask();
  CHECK(ask() == first);  // nothing in flight anywhere: it stays
  const bool on_a = first == "name=a";
  const std::string other = on_a ? "name=b" : "name=a";
  const std::string x = on_a ? "g1-i0" : "g1-i1", y = on_a ? "g1-i1" : "g1-i0";

  // A short slow request lands on `free_one`, a long one on `busy`; once the short one is done,
  // only `busy` has a request in flight. The client's answer then.
  auto ask_while_busy = [&](const std::string& free_one, const std::string& busy) {
    std::thread brief = Background(port, "/slow300");
    CHECK(AwaitExchanges(*f.proxy, free_one, 1));
    std::thread long_one = Background(port, "/slow1200");
    CHECK(AwaitExchanges(*f.proxy, busy, 1));
    brief.join();
    CHECK(AwaitExchanges(*f.proxy, free_one, 0));
    std::string answer = ask();
    long_one.join();
    return answer;
  };
  // The short one goes to y (fewer connections), the long one to x (fewer in flight): the
  // client's next request moves to y.
  CHECK(ask_while_busy(y, x) == other);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the leavers park theirs
  // The short one to x takes a parked connection; the long one to y needs a new one (the client
  // holds y's only one); then the client goes back to x on a parked connection.
  const int before = accepted();
  CHECK(ask_while_busy(x, y) == first);
  CHECK(accepted() == before + 1);

  // A client that leaves parks its connection (not counted as the instance's); the next
  // clients' requests reuse parked ones.
  c.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(f.proxy->balancer().Connections("g1-i0") + f.proxy->balancer().Connections("g1-i1") == 0);
  for (int i = 0; i < 3; i++) CHECK(Get(port, kAppHost).status == 200);
  CHECK(accepted() == before + 1);
}

}  // namespace
}  // namespace ukc::proxy::testing
