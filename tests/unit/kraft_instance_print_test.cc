// kraft's instance printing: the fancy create summary (kraft-cli.md §4.5, samples §5.1), the
// table and list rows (§4.2, samples §5.3) and the stop origin/reason texts (§7).
#include <doctest/doctest.h>

#include <sstream>

#include "cloud/instance_print.h"
#include "cloud/instance_status.h"

using ukc::api::Instance;

namespace {

// Each line with its trailing spaces removed (the published samples lost theirs).
std::string Trimmed(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

Instance HttpserverC() {
  Instance i;
  i.uuid = "e5c76df1-4748-4fc2-a24b-c60550cfc3ce";
  i.name = "httpserver-c";
  i.state = "stopped";
  i.image =
      "razvand/"
      "httpserver-c@sha256:7b467f0dcf7aaf271fdaa8c5282056d3e5d6d233e7d2e3cae2aea719d9a4a517";
  i.memory_mb = 256;
  i.vcpus = 1;
  i.args = {"/http_server"};
  i.private_ip = "10.0.1.9";
  i.service_group = ukc::api::InstanceServiceGroup{
      "sg-uuid", "restless-glade-brxs0s3i", {{"restless-glade-brxs0s3i.sfo.unikraft.app"}}};
  return i;
}

Instance WithStop(int stop_reason, std::optional<int> stop_code) {
  Instance i;
  i.state = "stopped";
  i.stop_reason = stop_reason;
  i.stop_code = stop_code;
  return i;
}

}  // namespace

TEST_CASE("fancy summary: sample (c), created without --start") {
  kraft::ServiceView service{{"restless-glade-brxs0s3i.sfo.unikraft.app"}, true};
  std::string out =
      kraft::FancySummary(HttpserverC(), "https://api.sfo.unikraft.cloud/v1", service, false);
  CHECK(Trimmed(out) == R"(
[●] Deployed but instance is not online!
 │
 ├──────── name: httpserver-c
 ├──────── uuid: e5c76df1-4748-4fc2-a24b-c60550cfc3ce
 ├─────── metro: https://api.sfo.unikraft.cloud/v1
 ├─────── state: stopped
 ├─ stop reason:
 ├────── domain: https://restless-glade-brxs0s3i.sfo.unikraft.app
 ├─────── image: razvand/httpserver-c@sha256:7b467f0dcf7aaf271fdaa8c5282056d3e5d6d233e7d2e3cae2aea719d9a4a517
 ├─── boot time: 0.00 ms
 ├────── memory: 256 MiB
 ├───── service: restless-glade-brxs0s3i
 ├── private ip: 10.0.1.9
 └──────── args: /http_server

)");
  // Values are padded to the longest one plus a space: every entry line is equally long.
  std::istringstream lines(out);
  std::string line;
  size_t width = 0;
  int entries = 0;
  while (std::getline(lines, line)) {
    if (line.find(": ") == std::string::npos) continue;
    size_t key_end = line.find(": ");
    size_t len = line.size() - key_end;
    if (width == 0) width = len;
    CHECK(len == width);
    CHECK(line.back() == ' ');
    ++entries;
  }
  CHECK(entries == 12);
}

TEST_CASE("fancy summary: sample (b), running; the keyPad quirk leaves 'private ip' bare") {
  Instance i = HttpserverC();
  i.state = "running";
  i.uuid = "106a3c59-a074-43c3-9bf9-caad870f610c";
  i.boot_time_us = 148660;
  i.private_ip = "10.0.0.197";
  i.service_group->name = "sparkling-river-as8o2yar";
  kraft::ServiceView service{{"sparkling-river-as8o2yar.sfo.unikraft.app"}, true};
  CHECK(Trimmed(kraft::FancySummary(i, "https://api.sfo.unikraft.cloud/v1", service, false)) ==
        R"(
[●] Deployed successfully!
 │
 ├────── name: httpserver-c
 ├────── uuid: 106a3c59-a074-43c3-9bf9-caad870f610c
 ├───── metro: https://api.sfo.unikraft.cloud/v1
 ├───── state: running
 ├──── domain: https://sparkling-river-as8o2yar.sfo.unikraft.app
 ├───── image: razvand/httpserver-c@sha256:7b467f0dcf7aaf271fdaa8c5282056d3e5d6d233e7d2e3cae2aea719d9a4a517
 ├─ boot time: 148.66 ms
 ├──── memory: 256 MiB
 ├─── service: sparkling-river-as8o2yar
 ├ private ip: 10.0.0.197
 └────── args: /http_server

)");
}

TEST_CASE("fancy summary: starting hides boot time; no https without port 443; standby title") {
  Instance i = HttpserverC();
  i.state = "starting";
  i.private_fqdn = "httpserver-c.internal";
  std::string out =
      kraft::FancySummary(i, "fra0", kraft::ServiceView{{"a.fra0.kraft.host"}, false}, false);
  CHECK(out.find("boot time") == std::string::npos);
  CHECK(out.find("domain: a.fra0.kraft.host ") != std::string::npos);
  CHECK(out.find("private fqdn: httpserver-c.internal") != std::string::npos);
  CHECK(out.find("metro: fra0") != std::string::npos);
  i.state = "standby";
  CHECK(kraft::FancySummary(i, "fra0", std::nullopt, false)
            .find("[●] Deployed but instance is on standby!") != std::string::npos);
  i.state = "draining";
  CHECK(
      kraft::FancySummary(i, "fra0", std::nullopt, false).find("[●] Deployed but unknown status") !=
      std::string::npos);
}

TEST_CASE("instance table: the 2026 README sample, column for column") {
  Instance i = HttpserverC();
  i.state = "running";
  i.uptime_ms = 36000;
  i.boot_time_us = 149240;
  kraft::Table table;
  REQUIRE(kraft::InstanceTable({i}, true, &table).ok());
  std::ostringstream out;
  kraft::RenderTable(table, out, 175, false);
  CHECK(
      out.str() ==
      "NAME          FQDN                                      STATE    STATUS        IMAGE     "
      "                                               MEMORY   VCPUS  ARGS          BOOT TIME\n"
      "httpserver-c  restless-glade-brxs0s3i.sfo.unikraft.app  running  since 36secs  razvand/h"
      "ttpserver-c@sha256:7b467f0dcf7aaf271fdaa8c5...  256 MiB  1      /http_server  149.24 ms\n");
}

TEST_CASE("instance list format: the `instance get httpserver-c` sample") {
  Instance i = HttpserverC();
  i.state = "running";
  i.created_at = "2026-03-23T17:34:16Z";
  i.started_at = "2026-03-23T17:50:27Z";
  i.start_count = 1;
  i.restart_policy = "never";
  i.boot_time_us = 149240;
  i.uptime_ms = 47192;
  kraft::Table table;
  REQUIRE(kraft::InstanceTable({i}, false, &table).ok());
  std::ostringstream out;
  kraft::RenderList(table, out);
  CHECK(Trimmed(out.str()) == R"(                   uuid: e5c76df1-4748-4fc2-a24b-c60550cfc3ce
                   name: httpserver-c
                   fqdn: restless-glade-brxs0s3i.sfo.unikraft.app
           private fqdn:
             private ip: 10.0.1.9
                  state: running
                created: 2026-03-23T17:34:16Z
                started: 2026-03-23T17:50:27Z
                stopped:
            start count: 1
          restart count: 0
       restart attempts:
           next restart:
         restart policy: never
            stop origin:
            stop reason:
          app exit code:
                  image: razvand/httpserver-c@sha256:7b467f0dcf7aaf271fdaa8c5282056d3e5d6d233e7d2e3cae2aea719d9a4a517
                 memory: 256 MiB
                  vcpus: 1
                   args: /http_server
                    env:
                volumes:
                service: restless-glade-brxs0s3i
          scale to zero:
 scale to zero cooldown:
 scale to zero stateful:
              boot time: 149.24 ms
                up time: 47.192s
)");
}

TEST_CASE("instance json: stopped instance with stop texts, env, volumes, scale to zero") {
  Instance i = WithStop(15, 0x8100);
  i.uuid = "u";
  i.exit_code = 0;
  i.env = {{"A", "1"}, {"B", "2"}};
  i.volumes = {{"vu", "data", "/data", true}};
  i.scale_to_zero = ukc::api::ScaleToZero{"idle", true, 3000};
  i.restart = ukc::api::RestartInfo{2, "2026-03-23T17:50:27Z"};
  kraft::Table table;
  REQUIRE(kraft::InstanceTable({i}, false, &table).ok());
  std::ostringstream out;
  kraft::RenderJson(table, out);
  nlohmann::json row = nlohmann::json::parse(out.str())[0];
  CHECK(row["stop_origin"] == "initiated by user (-upak)");
  CHECK(row["stop_reason"] == "Successful shutdown. (t1 OK)");
  CHECK(row["app_exit_code"] == "0");
  CHECK(row["env"] == "A=1, B=2");
  CHECK(row["volumes"] == "data:/data:ro");
  CHECK(row["scale_to_zero"] == "idle");
  CHECK(row["scale_to_zero_cooldown"] == "3000");
  CHECK(row["scale_to_zero_stateful"] == "true");
  CHECK(row["restart_attempts"] == "2");
  CHECK(row["next_restart"] == "2026-03-23T17:50:27Z");
  CHECK(row["up_time"] == "0s");

  i.created_at = "yesterday";
  CHECK(
      kraft::InstanceTable({i}, true, &table).message() ==
      "could not parse time for 'u': parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\"");
}

TEST_CASE("stop origin: who initiated it, and the f/u/p/a/k code") {
  CHECK(kraft::StopOrigin(WithStop(28, std::nullopt)) == "force initiated by user (fup--)");
  CHECK(kraft::StopOrigin(WithStop(15, 0x8100)) == "initiated by user (-upak)");
  CHECK(kraft::StopOrigin(WithStop(13, 0x8100)) == "initiated by user (-up-k)");
  CHECK(kraft::StopOrigin(WithStop(7, 0x8100)) == "initiated by platform (--pak)");
  CHECK(kraft::StopOrigin(WithStop(3, 0x7F00)) == "initiated by app (---ak)");
  CHECK(kraft::StopOrigin(WithStop(1, 0xC7F04)) == "initiated by kernel (----k)");
  CHECK(kraft::StopOrigin(Instance{}) == "unknown (-----)");
}

TEST_CASE("stop reason: text, code and the STOP REASON / STATUS cells") {
  Instance clean = WithStop(15, 33024);  // 0x8100: termtable, init level 1, OK
  CHECK(kraft::StopReason(clean) == "shutdown");
  CHECK(kraft::StopReasonCode(clean) == "t1 OK");
  CHECK(kraft::StopReasonCell(clean) == "Successful shutdown. (t1 OK)");
  CHECK(kraft::StatusCell(clean) == "");

  Instance oom = WithStop(1, 818948);  // 0x000C7F04: PGFAULT + ENOMEM during the app
  CHECK(kraft::StopReason(oom) == "out of memory");
  CHECK(kraft::StopReasonCode(oom) == "i127 PGFAULT ENOMEM");
  CHECK(kraft::StopReasonCell(oom) ==
        "Out of memory. Try increasing instance's memory (see -M flag). (i127 PGFAULT ENOMEM)");
  CHECK(kraft::StatusCell(oom) == "out of memory");

  CHECK(kraft::StopReason(WithStop(1, 0x0E7F04)) == "illegal memory access");
  CHECK(kraft::StopReason(WithStop(1, 0x7F05)) == "segmentation fault");
  CHECK(kraft::StopReason(WithStop(1, 0x7F04)) == "page fault");
  CHECK(kraft::StopReason(WithStop(1, 0x7F01)) == "assertion error");
  CHECK(kraft::StopReasonCode(WithStop(1, 0x297F02)) == "i127 MATH 41");  // no name for 41
  // OK at init level 127 is not a "shutdown" in the G1 SDK.
  Instance app_exit = WithStop(3, 0x7F00);
  CHECK(kraft::StopReason(app_exit) == "unexpected error");
  CHECK(kraft::StopReasonCell(app_exit) == "Unexpected error Check instance logs. (i127 OK)");
  Instance none = WithStop(28, std::nullopt);
  CHECK(kraft::StopReason(none) == "");
  CHECK(kraft::StopReasonCell(none) == "Unexpected error Check instance logs. ()");
}

TEST_CASE("STATUS cell while running: day/hr/min/sec chunks, seconds dropped after minutes") {
  Instance i;
  i.state = "running";
  i.uptime_ms = 36000;
  CHECK(kraft::StatusCell(i) == "since 36secs");
  i.uptime_ms = 1000;
  CHECK(kraft::StatusCell(i) == "since 1sec");
  i.uptime_ms = 7 * 60000 + 12000;
  CHECK(kraft::StatusCell(i) == "since 7mins");
  i.uptime_ms = 3600000 + 5 * 60000 + 1000;
  CHECK(kraft::StatusCell(i) == "since 1hr 5mins");
  i.uptime_ms = 2 * 86400000LL + 3600000;
  CHECK(kraft::StatusCell(i) == "since 2days 1hr");
  i.state = "starting";
  CHECK(kraft::StatusCell(i) == "starting");
}
