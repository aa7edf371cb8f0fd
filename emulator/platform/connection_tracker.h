// Proxied connections per instance, as the service proxy reports them (RouteEvents
// ConnectionOpened/Closed, ExchangeStarted/Finished): how many are open, how many of them are in
// an exchange, and when each count last changed. The
// controller reads it for scale-to-zero idleness, draining, autoscale load and metrics. Cheap
// and thread-safe; never calls out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace ukc::platform {

struct ConnectionCounts {
  int open = 0;                         // connections attached now
  int64_t total = 0;                    // ever opened
  int64_t last_change_ms = 0;           // monotonic ms of the last open/close; 0 = never
  int exchanges = 0;                    // of them, in an exchange now (request, splice)
  int64_t last_exchange_change_ms = 0;  // monotonic ms an exchange last began/ended; 0 = never
};

class ConnectionTracker {
 public:
  // `now_ms`: a monotonic clock in ms (default: steady_clock).
  explicit ConnectionTracker(std::function<int64_t()> now_ms = {});

  void Opened(const std::string& instance_uuid);
  void Closed(const std::string& instance_uuid);
  void ExchangeStarted(const std::string& instance_uuid);
  void ExchangeFinished(const std::string& instance_uuid);
  ConnectionCounts Get(const std::string& instance_uuid) const;
  void Forget(const std::string& instance_uuid);
  int64_t NowMs() const { return now_ms_(); }

 private:
  std::function<int64_t()> now_ms_;
  mutable std::mutex mu_;
  std::map<std::string, ConnectionCounts> counts_;
};

}  // namespace ukc::platform
