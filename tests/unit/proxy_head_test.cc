// Unit tests of the proxy's HTTP head parser, body framing, route table and least-connections
// balancer (no sockets).
#include <doctest/doctest.h>

#include <vector>

#include "proxy/http_head.h"
#include "proxy/load_balancer.h"
#include "proxy/route_table.h"

namespace ukc::proxy {
namespace {

TEST_CASE("proxy: request head parsing") {
  RequestHead head;
  std::string text =
      "POST /a?b=1 HTTP/1.1\r\nHost: Svc.local.localhost:7480\r\nContent-Length: 5\r\n"
      "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\nhello";
  REQUIRE(ParseRequestHead(text, &head) == ParseResult::kOk);
  CHECK(head.method == "POST");
  CHECK(head.target == "/a?b=1");
  CHECK(head.host == "Svc.local.localhost:7480");
  CHECK(head.content_length == 5);
  CHECK(head.connection_upgrade);
  CHECK(head.upgrade == "websocket");
  CHECK(head.KeepAlive());
  CHECK(head.head_size == text.size() - 5);
  CHECK(ParseRequestHead("GET / HTTP/1.1\r\nHost: x\r\n", &head) == ParseResult::kIncomplete);
  CHECK(ParseRequestHead("GET / HTTP/1.0\r\n\r\n", &head) == ParseResult::kOk);
  CHECK_FALSE(head.KeepAlive());
}

TEST_CASE("proxy: malformed and ambiguous requests are rejected") {
  RequestHead head;
  for (const char* bad : {
           "GET / HTTP/1.1\r\n\r\n",                            // no Host
           "GET /\r\nHost: x\r\n\r\n",                          // no version
           "GET / HTTP/2.0\r\nHost: x\r\n\r\n",                 // not 1.x
           "GET / HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n",  // space in name
           "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",      // obs-fold
           "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
           "\x16\x03\x01\x02\x01\x01\x01\x01\xfc\r\n\r\n",  // TLS on the HTTP port
       }) {
    CHECK_MESSAGE(ParseRequestHead(bad, &head) == ParseResult::kBad, bad);
  }
  std::string huge = "GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(kMaxHeadSize, 'a');
  CHECK(ParseRequestHead(huge, &head) == ParseResult::kTooLarge);
}

TEST_CASE("proxy: response framing") {
  ResponseHead head;
  REQUIRE(ParseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", &head) ==
          ParseResult::kOk);
  CHECK(ResponseBodyKind(head, "GET") == BodyFramer::Kind::kLength);
  CHECK(ResponseBodyKind(head, "HEAD") == BodyFramer::Kind::kNone);
  REQUIRE(ParseResponseHead("HTTP/1.1 204 No Content\r\n\r\n", &head) == ParseResult::kOk);
  CHECK(ResponseBodyKind(head, "GET") == BodyFramer::Kind::kNone);
  REQUIRE(ParseResponseHead("HTTP/1.0 200 OK\r\n\r\n", &head) == ParseResult::kOk);
  CHECK(ResponseBodyKind(head, "GET") == BodyFramer::Kind::kUntilClose);
  CHECK(ParseResponseHead("HTTP/1.1 2000 OK\r\n\r\n", &head) == ParseResult::kBad);
}

TEST_CASE("proxy: chunked framing across arbitrary splits") {
  const std::string body = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (size_t split = 1; split < body.size(); split++) {
    BodyFramer framer;
    framer.Reset(BodyFramer::Kind::kChunked);
    size_t a = 0, b = 0;
    REQUIRE(framer.Take(body.data(), split, &a));
    if (!framer.done()) REQUIRE(framer.Take(body.data() + a, body.size() - a, &b));
    CHECK(framer.done());
    CHECK(a + b == body.size() - 4);  // "NEXT" belongs to the next message
  }
  BodyFramer framer;
  framer.Reset(BodyFramer::Kind::kChunked);
  size_t taken;
  CHECK_FALSE(framer.Take("zz\r\n", 4, &taken));
  framer.Reset(BodyFramer::Kind::kLength, 4);
  CHECK(framer.Take("abcdef", 6, &taken));
  CHECK(taken == 4);
  CHECK(framer.done());
}

TEST_CASE("proxy: route table matches host case-insensitively, without port or dot") {
  RouteTable table;
  ServiceRoute route;
  route.group_uuid = "g1";
  route.fqdns = {"App.Local.Localhost"};
  route.ports = {{443, 8080, {"http", "tls"}}};
  uint64_t before = table.generation();
  table.Put(route);
  CHECK(table.generation() > before);
  CHECK(table.Find("app.local.localhost", 443));
  CHECK(table.Find("APP.local.localhost.:7443", 443));
  CHECK_FALSE(table.Find("app.local.localhost", 80));
  CHECK_FALSE(table.Find("other.local.localhost", 443));
  table.Remove("g1");
  CHECK_FALSE(table.Find("app.local.localhost", 443));
}

TEST_CASE("proxy: the route table's observer sees every change, with the change made") {
  RouteTable table;
  ServiceRoute route;
  route.group_uuid = "g1";
  route.fqdns = {"app.local.localhost"};
  route.ports = {{8080, 8080, {}}};
  std::vector<size_t> seen;  // the table's size as the observer saw it
  table.SetObserver([&] { seen.push_back(table.All().size()); });
  table.Put(route);
  route.group_uuid = "g2";
  table.Put(route);
  table.Remove("g1");
  CHECK(seen == std::vector<size_t>{1, 2, 1});
  table.SetObserver(nullptr);
  table.Remove("g2");
  CHECK(seen.size() == 3);
}

TEST_CASE("proxy: least connections with dead backends skipped") {
  LoadBalancer lb(nullptr, std::chrono::milliseconds(200));
  ServiceRoute route;
  route.ports = {{443, 8080, {"http", "tls"}}};
  route.backends = {
      {"a", {{8080, 1001}}, true}, {"b", {{8080, 1002}}, true}, {"c", {{8080, 1003}}, false}};
  std::map<std::string, int> counts;
  for (int i = 0; i < 10; i++) counts[lb.Reserve(route, 8080, {})->instance_uuid]++;
  CHECK(counts["a"] == 5);
  CHECK(counts["b"] == 5);
  CHECK(counts.count("c") == 0);
  lb.MarkDead({"a", 1001});
  CHECK(lb.Reserve(route, 8080, {})->instance_uuid == "b");
  CHECK(lb.Reserve(route, 8080, {"b"})->instance_uuid == "a");  // dead, but the only one left
  CHECK_FALSE(lb.Reserve(route, 8080, {"a", "b"}));
  CHECK(lb.ShouldKeep(route, 8080, {"b", 1002}));
  CHECK_FALSE(lb.ShouldKeep(route, 8080, {"c", 1003}));
}

TEST_CASE("proxy: the hard limit caps exchanges per instance") {
  LoadBalancer lb(nullptr, std::chrono::milliseconds(200));
  ServiceRoute route;
  route.ports = {{443, 8080, {"http", "tls"}}};
  route.backends = {{"a", {{8080, 1001}}, true}, {"b", {{8080, 1002}}, true}};
  route.hard_limit = 2;
  BackendPick a{"a", 1001}, b{"b", 1002};
  lb.ExchangeStarted(a, route);
  CHECK(lb.TryStartExchange(a, route));        // the second
  CHECK_FALSE(lb.TryStartExchange(a, route));  // a third: refused and not counted
  CHECK(lb.Exchanges("a") == 2);
  CHECK_FALSE(lb.AllAtHardLimit(route));
  // A pick's exchange counts at once (its connect may still be in flight): two fill b.
  auto first = lb.Reserve(route, 8080, {}, Balance::kRequests);
  auto second = lb.Reserve(route, 8080, {});
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->instance_uuid == "b");
  CHECK(second->instance_uuid == "b");
  CHECK(lb.Exchanges("b") == 2);
  CHECK(lb.AllAtHardLimit(route));
  CHECK_FALSE(lb.Reserve(route, 8080, {}, Balance::kRequests));
  CHECK_FALSE(lb.Reserve(route, 8080, {}));
  lb.Unreserve(*second);  // its connect failed: its exchange ends too
  CHECK(lb.Exchanges("b") == 1);
  CHECK(lb.Connections("b") == 1);
  CHECK(lb.Reserve(route, 8080, {})->instance_uuid == "b");
  CHECK(lb.AllAtHardLimit(route));
  lb.ExchangeFinished(a);
  CHECK_FALSE(lb.AllAtHardLimit(route));
  CHECK(lb.Reserve(route, 8080, {})->instance_uuid == "a");
  route.hard_limit = 0;  // no limit
  lb.ExchangeStarted(a, route);
  CHECK(lb.TryStartExchange(a, route));
  CHECK_FALSE(lb.AllAtHardLimit(route));
  route.backends[0].running = route.backends[1].running = false;
  route.hard_limit = 1;
  CHECK_FALSE(lb.AllAtHardLimit(route));  // none running: not "full" (a wake may help)
}

}  // namespace
}  // namespace ukc::proxy
