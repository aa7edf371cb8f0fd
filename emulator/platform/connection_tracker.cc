#include "platform/connection_tracker.h"

#include <chrono>

namespace ukc::platform {

ConnectionTracker::ConnectionTracker(std::function<int64_t()> now_ms) : now_ms_(std::move(now_ms)) {
  if (!now_ms_) {
    now_ms_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

void ConnectionTracker::Opened(const std::string& instance_uuid) {
  int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  ConnectionCounts& c = counts_[instance_uuid];
  c.open++;
  c.total++;
  c.last_change_ms = now;
}

void ConnectionTracker::Closed(const std::string& instance_uuid) {
  int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  auto it = counts_.find(instance_uuid);
  if (it == counts_.end()) return;
  if (it->second.open > 0) it->second.open--;
  it->second.last_change_ms = now;
}

void ConnectionTracker::ExchangeStarted(const std::string& instance_uuid) {
  int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  ConnectionCounts& c = counts_[instance_uuid];
  c.exchanges++;
  c.last_exchange_change_ms = now;
}

void ConnectionTracker::ExchangeFinished(const std::string& instance_uuid) {
  int64_t now = now_ms_();
  std::lock_guard lock(mu_);
  auto it = counts_.find(instance_uuid);
  if (it == counts_.end()) return;
  if (it->second.exchanges > 0) it->second.exchanges--;
  it->second.last_exchange_change_ms = now;
}

ConnectionCounts ConnectionTracker::Get(const std::string& instance_uuid) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(instance_uuid);
  return it == counts_.end() ? ConnectionCounts{} : it->second;
}

void ConnectionTracker::Forget(const std::string& instance_uuid) {
  std::lock_guard lock(mu_);
  counts_.erase(instance_uuid);
}

}  // namespace ukc::platform
