#include <doctest/doctest.h>

#include <vector>

#include "vmm/console_parser.h"

using ukc::vmm::ConsoleParser;
using ukc::vmm::GuestEvent;
using ukc::vmm::ParseConsoleLine;

TEST_CASE("console: event lines parse") {
  auto e = ParseConsoleLine(R"(ukc-init: {"event":"app-start","pid":79,"uptime_ms":1419})");
  REQUIRE(e);
  CHECK(e->event == "app-start");
  CHECK(*e->pid == 79);
  CHECK(*e->uptime_ms == 1419);
  e = ParseConsoleLine(R"(ukc-init: {"event":"app-exit","code":143,"signal":15,"uptime_ms":9})");
  REQUIRE(e);
  CHECK(*e->code == 143);
  CHECK(*e->signal == 15);
  e = ParseConsoleLine(
      "ukc-init: {\"event\":\"stop\",\"reason\":\"power-button\",\"uptime_ms\":1}\r");
  REQUIRE(e);
  CHECK(e->reason == "power-button");
  e = ParseConsoleLine(R"(ukc-init: {"event":"error","message":"no command: x"})");
  REQUIRE(e);
  CHECK(e->message == "no command: x");
}

TEST_CASE("console: a report that ends an app's unfinished line; the listening report") {
  // Python's print writes "Serving HTTP … ..." and its newline apart; ukc-init's report can land
  // between them.
  auto e = ParseConsoleLine(
      "Serving HTTP on 0.0.0.0 port 8080 (http://0.0.0.0:8080/) ...ukc-init: "
      "{\"event\":\"listening\",\"port\":8080,\"uptime_ms\":6727}\r");
  REQUIRE(e);
  CHECK(e->event == "listening");
  CHECK(*e->port == 8080);
  e = ParseConsoleLine(
      R"(ukc-init: {"event":"app-start","pid":79,"uptime_ms":2,"watching":[8080,9000]})");
  REQUIRE(e);
  REQUIRE(e->watching);
  CHECK(*e->watching == std::vector<int>{8080, 9000});
  e = ParseConsoleLine(R"(ukc-init: {"event":"app-start","pid":79,"uptime_ms":2})");
  REQUIRE(e);
  CHECK(!e->watching);  // an older ukc-init: the host probes the ports instead
}

TEST_CASE("console: app output and malformed lines are not events") {
  CHECK_FALSE(ParseConsoleLine("listening on :8080"));
  CHECK_FALSE(ParseConsoleLine("echo ukc-init: {\"event\":\"boot\"} done"));  // not at the end
  CHECK_FALSE(ParseConsoleLine("ukc-init: {\"event\":\"boot\""));
  CHECK_FALSE(ParseConsoleLine("ukc-init: {\"noevent\":1}"));
  CHECK_FALSE(ParseConsoleLine("ukc-init: not json"));
}

TEST_CASE("console: stream split across reads") {
  std::vector<GuestEvent> events;
  ConsoleParser parser([&](const GuestEvent& e) { events.push_back(e); });
  parser.Feed("[ 0.1] kernel noise\nukc-init: {\"event\":\"bo");
  CHECK(events.empty());
  parser.Feed("ot\",\"uptime_ms\":5}\nhello\nukc-init: {\"event\":\"app-exit\",\"code\":3,");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "boot");
  parser.Feed("\"signal\":0,\"uptime_ms\":7}\n");
  REQUIRE(events.size() == 2);
  CHECK(*events[1].code == 3);
}
