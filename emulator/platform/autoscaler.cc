#include "platform/autoscaler.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "log.h"

namespace ukc::platform {

int ConnectionsPerInstance(const api::AutoscaleConfig& config) {
  std::optional<int> threshold;
  for (const auto& p : config.policies) {
    if (p.type != "step" || p.metric != "inflight_reqs") continue;
    for (const auto& s : p.steps) {
      if (s.adjustment <= 0 || !s.lower_bound || *s.lower_bound <= 0) continue;
      threshold = std::min(threshold.value_or(*s.lower_bound), *s.lower_bound);
    }
  }
  return threshold.value_or(kDefaultConnectionsPerInstance);
}

int Demand(const api::AutoscaleConfig& config, int64_t connections) {
  int64_t per = ConnectionsPerInstance(config);
  int64_t wanted = connections <= 0 ? 0 : (connections + per - 1) / per;
  wanted = std::max<int64_t>(wanted, config.min_size);
  return static_cast<int>(std::min<int64_t>(wanted, config.max_size));
}

int DesiredInstances(const api::AutoscaleConfig& config, int running, int64_t connections,
                     const ScaleHistory& history, int64_t now_ms) {
  int demand = Demand(config, connections);
  if (demand > running) {
    bool warming = history.last_up_ms && now_ms - *history.last_up_ms < config.warmup_time_ms;
    return warming ? running : demand;
  }
  if (demand < running) {
    if (running > config.max_size) return std::max(demand, config.max_size);
    bool cooled = now_ms - history.last_busy_ms >= config.cooldown_time_ms;
    return cooled ? demand : running;
  }
  return running;
}

Autoscaler::Autoscaler(AutoscaleRegistry* registry, AutoscaleTarget* target,
                       AutoscalerOptions options)
    : registry_(registry), target_(target), options_(std::move(options)) {
  if (!options_.now_ms) {
    options_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

Autoscaler::~Autoscaler() { Stop(); }

void Autoscaler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      Tick();
      lock.lock();
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    }
  });
}

void Autoscaler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Autoscaler::Tick() {
  for (const auto& r : registry_->TakeRemovals()) {
    Status s = target_->RemoveInstance(r.user, r.instance_uuid);
    if (!s.ok() && s.kind() != Status::Kind::kNotFound) {
      Log(LogLevel::kWarn, "autoscale: removing " + r.instance_uuid + ": " + s.message());
    }
  }
  std::map<std::string, GroupLoad> loads;
  for (auto& load : target_->Loads()) {
    std::string uuid = load.group_uuid;
    loads[uuid] = std::move(load);
  }
  int64_t now = options_.now_ms();
  std::set<std::string> seen;
  for (const auto& record : registry_->Snapshot()) {
    const std::string& group = record.config.uuid;
    if (options_.group_exists && !options_.group_exists(record.user, group)) {
      registry_->DropGroup(group);
      continue;
    }
    seen.insert(group);
    auto it = loads.find(group);
    ScaleGroup(record, it != loads.end() ? it->second : GroupLoad{group, {}, {}, 0}, now);
  }
  for (auto it = history_.begin(); it != history_.end();) {
    it = seen.count(it->first) ? std::next(it) : history_.erase(it);
  }
}

void Autoscaler::ScaleGroup(const AutoscaleRecord& record, const GroupLoad& load, int64_t now) {
  const std::string& group = record.config.uuid;
  auto [entry, fresh] = history_.try_emplace(group);
  ScaleHistory& history = entry->second;
  if (fresh) history.last_busy_ms = now;
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  // Created instances that are gone are forgotten; the ones not running are deleted.
  std::vector<std::string> created_running;
  int idle_kept = static_cast<int>(load.idle.size());  // idle instances that stay
  for (const auto& uuid : record.created) {
    if (has(load.running, uuid)) {
      created_running.push_back(uuid);
      continue;
    }
    if (has(load.idle, uuid)) {
      idle_kept--;
      Status s = target_->RemoveInstance(record.user, uuid);
      if (!s.ok() && s.kind() != Status::Kind::kNotFound) {
        Log(LogLevel::kWarn, "autoscale: removing idle " + uuid + ": " + s.message());
        continue;
      }
    }
    registry_->ForgetInstance(uuid);
  }
  int running = static_cast<int>(load.running.size());
  if (Demand(record.config, load.connections) >= running) history.last_busy_ms = now;
  int desired = DesiredInstances(record.config, running, load.connections, history, now);
  if (desired > running) {
    int room = record.config.max_size - running - idle_kept;
    int add = std::min(desired - running, room);
    if (add > 0) history.last_up_ms = now;
    for (int n = 0; n < add; ++n) {
      std::string uuid;
      Status s = target_->AddInstance(record.user, group, record.config.master.uuid, &uuid);
      if (!s.ok()) {
        Log(LogLevel::kWarn, "autoscale: scaling " + record.config.name + " up: " + s.message());
        break;
      }
      if (Status r = registry_->RecordCreated(group, uuid); !r.ok()) {
        target_->RemoveInstance(record.user, uuid);  // the configuration went meanwhile
        break;
      }
    }
  } else if (desired < running) {
    int remove = std::min<int>(running - desired, static_cast<int>(created_running.size()));
    for (int n = 0; n < remove; ++n) {
      const std::string& uuid = created_running[created_running.size() - 1 - n];
      Status s = target_->RemoveInstance(record.user, uuid);
      if (!s.ok() && s.kind() != Status::Kind::kNotFound) {
        Log(LogLevel::kWarn, "autoscale: scaling " + record.config.name + " down: " + s.message());
        continue;
      }
      registry_->ForgetInstance(uuid);
    }
    history.last_busy_ms = now;  // the next step down waits a full cooldown again
  }
}

}  // namespace ukc::platform
