#include "cloud/instance_logs.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "base/encoding.h"
#include "cloud/instance_api.h"
#include "cloud/instance_status.h"
#include "cloud/log_tail.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;

int64_t Field(const json& item, const char* object, const char* key) {
  auto it = item.find(object);
  if (it == item.end() || !it->is_object()) return 0;
  auto v = it->find(key);
  return v != it->end() && v->is_number_integer() ? v->get<int64_t>() : 0;
}

LogFetcher Fetcher(ApiClient& api, const std::string& id) {
  return [&api, id](int64_t offset, int64_t limit, LogPage* page) {
    json item = IdentityItem(id);
    item["offset"] = offset;
    item["limit"] = limit;
    ApiResponse resp;
    if (ukc::Status s = api.Get("/instances/log", json::array({item}).dump(), &resp); !s.ok()) {
      return s;
    }
    if (resp.items.empty() || !resp.items[0].is_object()) {
      return ukc::Status::Corruption("no log entry for " + id);
    }
    const json& entry = resp.items[0];
    std::optional<std::string> output = ukc::Base64Decode(entry.value("output", ""));
    if (!output) return ukc::Status::Corruption("decoding base64 console output of " + id);
    page->output = *output;
    page->start = Field(entry, "range", "start");
    page->end = Field(entry, "range", "end");
    page->available_start = Field(entry, "available", "start");
    page->available_end = Field(entry, "available", "end");
    page->state = entry.value("state", "");
    return ukc::Status::Ok();
  };
}

struct Stream {
  std::string id;
  LogFetcher fetch;
  std::unique_ptr<LinePrinter> printer;
  int64_t offset = 0;
  bool done = false;
};

// The instance's state (from GET /instances when the log response did not carry it) and, once
// it has stopped, kraft's closing block.
ukc::Status FinishIfStopped(ApiClient& api, Stream& stream, std::string state) {
  std::vector<ukc::api::Instance> instances;
  ApiResponse resp;
  bool need_details = state.empty() || state == ukc::api::kStateStopped;
  if (need_details) {
    if (ukc::Status s = GetInstances(api, {stream.id}, &resp, &instances); !s.ok()) return s;
    if (!instances.empty()) state = instances[0].state;
  }
  if (state != ukc::api::kStateStopped && state != ukc::api::kStateStandby)
    return ukc::Status::Ok();
  stream.printer->Flush();
  stream.done = true;
  if (state == ukc::api::kStateStopped && !instances.empty()) {
    for (const std::string& line :
         {std::string(), "The instance has exited (" + StopReason(instances[0]) + ").",
          std::string(), std::string("To see more details about why, run:"), std::string(),
          "\tkraft cloud instance get " + instances[0].name, std::string()}) {
      stream.printer->Line(line);
    }
  }
  return ukc::Status::Ok();
}

// One poll of a followed instance: new bytes, then the end check once the log is drained.
ukc::Status Poll(ApiClient& api, Stream& stream) {
  LogPage page;
  if (ukc::Status s = stream.fetch(stream.offset, kLogMaxPageSize, &page); !s.ok()) return s;
  stream.printer->Feed(page.output);
  stream.offset = page.output.empty() ? std::max(stream.offset, page.end)
                                      : page.start + static_cast<int64_t>(page.output.size());
  if (static_cast<int64_t>(page.output.size()) == kLogMaxPageSize) return ukc::Status::Ok();
  return FinishIfStopped(api, stream, page.state);
}

}  // namespace

int PrintInstanceLogs(ApiClient& api, const std::vector<std::string>& ids, const LogsFlags& f) {
  size_t longest = 0;
  for (const auto& id : ids) longest = std::max(longest, id.size());
  bool prefixed = ids.size() > 1 && !f.no_prefix;
  std::vector<Stream> streams;
  for (const auto& id : ids) {
    std::string prefix = prefixed ? id + std::string(longest - id.size(), ' ') : "";
    streams.push_back({id, Fetcher(api, id), std::make_unique<LinePrinter>(prefix, &std::cout)});
  }
  bool failed = false;
  for (auto& stream : streams) {  // the tail of each
    LogTail tail;
    if (ukc::Status s = ReadLogTail(stream.fetch, f.tail, &tail); !s.ok()) {
      LogError(s.message());
      failed = stream.done = true;
      continue;
    }
    stream.printer->Feed(tail.text);
    stream.offset = tail.next_offset;
    if (!f.follow) stream.printer->Flush();
  }
  while (f.follow) {
    bool active = false;
    for (auto& stream : streams) {
      if (stream.done) continue;
      if (ukc::Status s = Poll(api, stream); !s.ok()) {
        LogError(s.message());
        failed = stream.done = true;
      }
      active = active || !stream.done;
    }
    if (!active) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return failed ? 1 : 0;
}

namespace {

int Logs(const CloudFlags& cloud, const LogsFlags& f, const std::vector<std::string>& ids) {
  if (f.tail < -1) {
    LogError("invalid value for --tail: " + std::to_string(f.tail) +
             ", should be -1 for all logs, or positive for length of truncated logs");
    return 1;
  }
  CloudConnection conn;
  if (ukc::Status s = Connect(cloud, true, &conn); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  return PrintInstanceLogs(api, ids, f);
}

}  // namespace

void AddInstanceLogsCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = instance.add_subcommand("logs", "Get console output of instances");
  cmd->alias("log");
  auto f = std::make_shared<LogsFlags>();
  auto ids = std::make_shared<std::vector<std::string>>();
  cmd->add_flag("-f,--follow", f->follow, "Follow the logs of the instance every half second");
  cmd->add_option("-n,--tail", f->tail, "Show the last given lines from the logs");
  cmd->add_flag("--no-prefix", f->no_prefix,
                "When logging multiple machines, do not prefix each log line with the name");
  cmd->add_option("ids", *ids, "UUID|NAME…")->required();
  cmd->callback([=, &flags] { *exit_code = Logs(flags, *f, *ids); });
}

}  // namespace kraft
