// kraft's service group rows (kraft-cli.md §4.4) and go-humanize's relative times.
#include <doctest/doctest.h>

#include <ctime>

#include "cloud/service_print.h"

using kraft::HumanTime;

TEST_CASE("kraft services: go-humanize Time") {
  CHECK(HumanTime(100, 100) == "now");
  CHECK(HumanTime(100, 101) == "1 second ago");
  CHECK(HumanTime(100, 159) == "59 seconds ago");
  CHECK(HumanTime(0, 60) == "1 minute ago");
  CHECK(HumanTime(0, 150) == "2 minutes ago");
  CHECK(HumanTime(0, 3600) == "1 hour ago");
  CHECK(HumanTime(0, 3 * 3600 + 5) == "3 hours ago");
  CHECK(HumanTime(0, 86400) == "1 day ago");
  CHECK(HumanTime(0, 3 * 86400) == "3 days ago");
  CHECK(HumanTime(0, 15 * 86400) == "2 weeks ago");
  CHECK(HumanTime(0, 65 * 86400) == "2 months ago");
  CHECK(HumanTime(0, 400 * 86400) == "1 year ago");
  CHECK(HumanTime(0, int64_t{40} * 365 * 86400) == "a long while ago");
  CHECK(HumanTime(200, 100) == "1 minute from now");
}

TEST_CASE("kraft services: RFC3339 parsing") {
  int64_t t = 0;
  REQUIRE(kraft::ParseRfc3339("1970-01-01T00:01:00Z", &t));
  CHECK(t == 60);
  REQUIRE(kraft::ParseRfc3339("1970-01-01T01:00:00+01:00", &t));
  CHECK(t == 0);
  CHECK(!kraft::ParseRfc3339("1970-01-01 00:00:00", &t));
  CHECK(!kraft::ParseRfc3339("1970-13-01T00:00:00Z", &t));
}

TEST_CASE("kraft services: table rows") {
  ukc::api::ServiceGroup g;
  g.uuid = "u-1";
  g.name = "web";
  g.created_at = "";
  g.soft_limit = 2;
  g.hard_limit = 20;
  g.services = {{443, 8080, {"http", "tls"}}, {80, 443, {"http", "redirect"}}};
  g.domains = {{"foo.local.localhost", std::nullopt}, {"example.com", std::nullopt}};
  g.instances = {{"i-1", "one"}, {"i-2", ""}};
  kraft::Table table;
  REQUIRE(kraft::ServiceTable({g}, true, &table).ok());
  CHECK(table.headers == std::vector<std::string>{"NAME", "FQDN", "SERVICES", "INSTANCES",
                                                  "CREATED AT", "PERSISTENT"});
  CHECK(table.rows.at(0) == std::vector<std::string>{"web", "foo.local.localhost example.com",
                                                     "443:8080/http+tls 80:443/http+redirect",
                                                     "one i-2", "", "true"});
  REQUIRE(kraft::ServiceTable({g}, false, &table).ok());
  CHECK(table.headers.front() == "UUID");
  CHECK(table.headers.back() == "HARD LIMIT");
  CHECK(table.rows.back().front() == "u-1");
  CHECK(table.rows.back().back() == "20");
  g.created_at = "yesterday";
  CHECK(kraft::ServiceTable({g}, true, &table).message() ==
        "could not parse time for 'u-1': parsing time \"yesterday\" as "
        "\"2006-01-02T15:04:05Z07:00\"");
}
