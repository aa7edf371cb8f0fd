// /v1/instances/logs and /v1/instances/metrics (ukc-api.md §4): console bytes of each target
// (base64, offset/limit windows) and per-instance metrics (state, connections, QEMU's RSS and CPU
// time from /proc).
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "api/envelope.h"
#include "base/encoding.h"
#include "platform/api_service.h"
#include "platform/instance_targets.h"

namespace ukc::platform {

using nlohmann::json;

namespace {

constexpr int64_t kLogMaxLimit = 16383;

// RSS and CPU time of a QEMU process from /proc (0 when unknown).
void ProcessMetrics(pid_t pid, int64_t* rss_bytes, int64_t* cpu_time_ms) {
  *rss_bytes = *cpu_time_ms = 0;
  if (pid <= 0) return;
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  int64_t size = 0, resident = 0;
  if (statm >> size >> resident) *rss_bytes = resident * sysconf(_SC_PAGESIZE);
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t close = line.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  int64_t utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; utime 14, stime 15
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  *cpu_time_ms = (utime + stime) * 1000 / sysconf(_SC_CLK_TCK);
}

}  // namespace

void ApiService::InstanceLogs(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  if (!NamedTargets(call, path_id, {"offset", "limit"}, &targets)) return;
  json items = json::array();
  for (const auto& t : targets) {
    if (t.error) {
      items.push_back(*t.error);
      continue;
    }
    api::Instance i;
    LogWindow log;
    int64_t offset = t.params.value("offset", int64_t{-4096});
    int64_t limit = std::min(t.params.value("limit", int64_t{4096}), kLogMaxLimit);
    Status s = instances_->Get(call.user, t.uuid, t.name, &i);
    if (s.ok())
      s = instances_->ReadLog(call.user, i.uuid, offset, std::max<int64_t>(0, limit), &log);
    if (!s.ok()) {
      items.push_back(ItemFailure(s, t));
      continue;
    }
    items.push_back({{"status", "success"},
                     {"uuid", i.uuid},
                     {"name", i.name},
                     {"output", Base64Encode(log.output)},
                     {"available", {{"start", log.available_start}, {"end", log.available_end}}},
                     {"range", {{"start", log.range_start}, {"end", log.range_end}}},
                     {"state", log.state}});
  }
  call.RespondItems("instances", std::move(items));
}

void ApiService::InstanceMetrics(Call& call, const std::string& path_id) {
  std::vector<Target> targets;
  if (!NamedTargets(call, path_id, {}, &targets)) return;
  json items = json::array();
  for (const auto& t : targets) {
    api::Instance i;
    Status s = t.error ? Status::Ok() : instances_->Get(call.user, t.uuid, t.name, &i);
    if (t.error || !s.ok()) {
      items.push_back(t.error ? *t.error : ItemFailure(s, t));
      continue;
    }
    int64_t rss = 0, cpu_ms = 0;
    ProcessMetrics(instances_->ProcessOf(call.user, i.uuid), &rss, &cpu_ms);
    // Connection counts come from the service proxy; byte and packet counters are not kept.
    ConnectionCounts conns = instances_->ConnectionsOf(i.uuid);
    items.push_back({{"status", "success"},
                     {"uuid", i.uuid},
                     {"name", i.name},
                     {"state", i.state},
                     {"start_count", i.start_count},
                     {"restart_count", i.restart_count},
                     {"started_at", i.started_at},
                     {"stopped_at", i.stopped_at},
                     {"uptime_ms", i.uptime_ms},
                     {"boot_time_us", i.boot_time_us},
                     {"net_time_us", 0},
                     {"rss_bytes", rss},
                     {"cpu_time_ms", cpu_ms},
                     {"rx_bytes", 0},
                     {"rx_packets", 0},
                     {"tx_bytes", 0},
                     {"tx_packets", 0},
                     {"nconns", conns.open},
                     {"nreqs", 0},
                     {"nqueued", 0},
                     {"ntotal", conns.total}});
  }
  call.RespondItems("instances", std::move(items));
}

}  // namespace ukc::platform
