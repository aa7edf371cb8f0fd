// Instance operations (lookups, start, stop, delete, logs, usage). Creating instances is in
// instance_create.cc; the threads and the VM-following logic are in instance_supervisor.cc.
#include "platform/instance_controller.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "log.h"
#include "platform/random_ids.h"

namespace ukc::platform {

InstanceController::InstanceController(vmm::Vmm* vmm, vmm::Clock* clock, InstanceStore* store,
                                       ImageSource* images, ControllerOptions options)
    : vmm_(vmm),
      clock_(clock),
      store_(store),
      images_(images),
      options_(std::move(options)),
      connections_([clock] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   clock->Now().time_since_epoch())
            .count();
      }) {
  // Guest reports (app start, a port listening) reach the supervisor at once, not at its poll.
  vmm_->SetChangeListener([this] { changed_.notify_all(); });
  if (!options_.unix_ms) {
    options_.unix_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

InstanceController::~InstanceController() {
  Shutdown();
  vmm_->SetChangeListener(nullptr);
}

InstanceRecord* InstanceController::FindLocked(const std::string& user, const std::string& uuid,
                                               const std::string& name) {
  if (!uuid.empty()) {
    auto it = records_.find(uuid);
    return it != records_.end() && it->second->user == user ? it->second.get() : nullptr;
  }
  for (auto& [id, r] : records_) {
    if (r->user == user && r->view.name == name) return r.get();
  }
  return nullptr;
}

static Status NotFoundStatus(const std::string& uuid, const std::string& name) {
  return uuid.empty() ? Status::NotFound("No instance with name '" + name + "'")
                      : Status::NotFound("No instance with uuid '" + uuid + "'");
}

api::Instance InstanceController::ViewLocked(const InstanceRecord& r) const {
  api::Instance view = r.view;
  view.uptime_ms = UptimeLocked(r);
  return view;
}

int64_t InstanceController::UptimeLocked(const InstanceRecord& r) const {
  int64_t uptime = r.uptime_before_ms;
  if (r.running_since_ms > 0) uptime += std::max<int64_t>(0, NowMs() - r.running_since_ms);
  return uptime;
}

Status InstanceController::Get(const std::string& user, const std::string& uuid,
                               const std::string& name, api::Instance* out) {
  std::lock_guard lock(mu_);
  InstanceRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFoundStatus(uuid, name);
  *out = ViewLocked(*r);
  return Status::Ok();
}

std::vector<InstanceRecord*> InstanceController::OwnedLocked(const std::string& user) {
  std::vector<InstanceRecord*> mine;
  for (const auto& [id, r] : records_) {
    if (r->user == user) mine.push_back(r.get());
  }
  std::sort(mine.begin(), mine.end(),
            [](const auto* a, const auto* b) { return a->sequence < b->sequence; });
  return mine;
}

std::vector<api::Instance> InstanceController::List(const std::string& user) {
  std::lock_guard lock(mu_);
  std::vector<api::Instance> out;
  for (const auto* r : OwnedLocked(user)) out.push_back(ViewLocked(*r));
  return out;
}

std::string InstanceController::ListJson(const std::string& user) {
  constexpr int64_t kUptimeMarker = 7318319301813073;  // stands for uptime_ms in cached texts
  std::lock_guard lock(mu_);
  std::string out = "[";
  for (auto* r : OwnedLocked(user)) {
    if (r->json_revision != r->revision) {
      api::Instance view = r->view;
      view.uptime_ms = kUptimeMarker;
      std::string text = api::ToJson(view).dump();
      size_t at = text.find(std::to_string(kUptimeMarker));
      r->json_before_uptime = text.substr(0, at);
      r->json_after_uptime = text.substr(at + std::to_string(kUptimeMarker).size());
      r->json_revision = r->revision;
    }
    if (out.size() > 1) out += ',';
    out += r->json_before_uptime;
    out += std::to_string(UptimeLocked(*r));
    out += r->json_after_uptime;
  }
  out += ']';
  return out;
}

Status InstanceController::Start(const std::string& user, const std::string& uuid,
                                 const std::string& name, std::string* previous,
                                 api::Instance* out) {
  std::lock_guard lock(mu_);
  InstanceRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFoundStatus(uuid, name);
  *previous = r->view.state;
  if (!r->live() && !r->active()) {
    Usage usage;
    for (const auto& [id, other] : records_) {
      if (other->user == user && other->live()) {
        usage.live_memory_mb += other->view.memory_mb;
        usage.live_vcpus += other->view.vcpus;
      }
    }
    const QuotaLimits& l = options_.limits;
    if (usage.live_memory_mb + r->view.memory_mb > l.live_memory_mb ||
        usage.live_vcpus + r->view.vcpus > l.live_vcpus) {
      return Status::TooLarge("Quota exceeded: live memory or vCPUs");
    }
    r->restart_at_ms = 0;
    r->view.restart.reset();
    RequestLaunchLocked(r, false);
    PersistLocked(*r);
  }
  *out = ViewLocked(*r);
  return Status::Ok();
}

Status InstanceController::Stop(const std::string& user, const std::string& uuid,
                                const std::string& name, const StopOptions& options,
                                std::string* previous, api::Instance* out) {
  std::lock_guard lock(mu_);
  InstanceRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFoundStatus(uuid, name);
  *previous = r->view.state;
  if (r->restart_at_ms > 0) {  // a pending policy restart: the user's stop aborts it
    r->restart_at_ms = 0;
    r->view.restart.reset();
  }
  std::string id = r->view.uuid;
  if (r->view.state == api::kStateStandby && !r->active() && !r->parking) {
    r->view.state = api::kStateStopped;  // a standby instance stops for good
    r->preparing = false;
    r->view.stop_reason = api::kStopUser | api::kStopPlatform;
    r->standby_snapshot = false;
    RemoveStandbyState(id);
  } else if (r->active() && (r->stop_request == 0 || options.force)) {
    if (options.drain_timeout_ms != 0 && !options.force && !r->launch_pending) {
      int64_t drain = options.drain_timeout_ms < 0 ? 3600000 : options.drain_timeout_ms;
      r->drain_until_ms = NowMs() + drain;
      r->view.state = api::kStateDraining;
    } else {
      StopLocked(r, api::kStopUser | api::kStopPlatform, options.force);
    }
  }
  auto it = records_.find(id);  // a forced stop of a delete-on-stop instance removes it
  if (it != records_.end() && it->second->delete_on_stop() && !it->second->active() &&
      it->second->view.state == api::kStateStopped) {  // stopped before its VM ever ran
    (void)store_->Delete(id);
    RemoveLocked(id);
    it = records_.end();
  }
  if (it == records_.end()) {
    out->state = api::kStateStopped;
    return Status::Ok();
  }
  PersistLocked(*it->second);
  *out = ViewLocked(*it->second);
  return Status::Ok();
}

Status InstanceController::Delete(const std::string& user, const std::string& uuid,
                                  const std::string& name, std::string* previous,
                                  api::Instance* out) {
  std::lock_guard lock(mu_);
  InstanceRecord* r = FindLocked(user, uuid, name);
  if (!r) return NotFoundStatus(uuid, name);
  *previous = r->view.state;
  *out = ViewLocked(*r);
  if (Status s = store_->Delete(r->view.uuid); !s.ok()) return s;
  r->launch_pending = false;
  if (!r->vm_id.empty()) {
    (void)vmm_->Kill(r->vm_id);
    (void)vmm_->Release(r->vm_id);
  }
  RemoveLocked(r->view.uuid);
  return Status::Ok();
}

void InstanceController::ArchiveConsoleLocked(const std::string& uuid) {
  std::filesystem::path dir = options_.instances_dir / uuid;
  std::ifstream current(dir / "console.log", std::ios::binary);
  if (!current) return;
  std::ofstream history(dir / "console.history", std::ios::binary | std::ios::app);
  history << current.rdbuf();
  history.close();
  current.close();
  std::error_code ec;
  std::filesystem::remove(dir / "console.log", ec);
}

void InstanceController::RemoveLocked(const std::string& uuid) {
  if (auto it = records_.find(uuid); it != records_.end()) LeaveGroupLocked(*it->second);
  connections_.Forget(uuid);
  routes_dirty_ = true;
  if (options_.instance_deleted) options_.instance_deleted(uuid);
  RemoveStandbyState(uuid);
  std::error_code ec;
  std::filesystem::remove_all(options_.instances_dir / uuid, ec);
  records_.erase(uuid);
  changed_.notify_all();
}

void InstanceController::Wait(const std::string& user, const std::vector<std::string>& uuids,
                              const std::string& state,
                              std::chrono::steady_clock::time_point deadline,
                              std::vector<api::Instance>* out, std::vector<bool>* reached) {
  std::unique_lock lock(mu_);
  while (true) {
    out->clear();
    reached->clear();
    bool all = true, settled = true;
    for (const auto& uuid : uuids) {
      InstanceRecord* r = FindLocked(user, uuid, "");
      api::Instance view;
      if (r) view = ViewLocked(*r);
      bool ok = r && r->view.state == state;
      // Waiting for an instance to run that has stopped for good (no start or restart coming)
      // cannot succeed: give up at once.
      bool hopeless = !r || (state != api::kStateStopped && r->view.state == api::kStateStopped &&
                             !r->active() && r->restart_at_ms == 0);
      all = all && ok;
      settled = settled && (ok || hopeless);
      out->push_back(std::move(view));
      reached->push_back(ok);
    }
    if (all || settled || std::chrono::steady_clock::now() >= deadline || stopping_) return;
    changed_.wait_until(lock, deadline);
  }
}

Status InstanceController::ReadLog(const std::string& user, const std::string& uuid, int64_t offset,
                                   int64_t limit, LogWindow* out) {
  {
    std::lock_guard lock(mu_);
    InstanceRecord* r = FindLocked(user, uuid, "");
    if (!r) return NotFoundStatus(uuid, "");
    out->state = r->view.state;
  }
  // The log is every earlier boot's console (console.history) followed by the current one's.
  std::filesystem::path dir = options_.instances_dir / uuid;
  int history = open((dir / "console.history").c_str(), O_RDONLY | O_CLOEXEC);
  int current = open((dir / "console.log").c_str(), O_RDONLY | O_CLOEXEC);
  int64_t history_size = history >= 0 ? lseek(history, 0, SEEK_END) : 0;
  int64_t current_size = current >= 0 ? lseek(current, 0, SEEK_END) : 0;
  int64_t size = history_size + current_size;
  int64_t start = offset < 0 ? std::max<int64_t>(0, size + offset) : std::min(offset, size);
  int64_t length = std::max<int64_t>(0, std::min(limit, size - start));
  out->output.assign(static_cast<size_t>(length), '\0');
  int64_t done = 0;
  if (start < history_size) {
    ssize_t n = pread(history, out->output.data(), std::min(length, history_size - start), start);
    done = std::max<ssize_t>(0, n);
  }
  if (done < length && current >= 0) {
    ssize_t n =
        pread(current, out->output.data() + done, length - done, start + done - history_size);
    done += std::max<ssize_t>(0, n);
  }
  for (int fd : {history, current}) {
    if (fd >= 0) close(fd);
  }
  out->output.resize(static_cast<size_t>(done));
  out->available_start = 0;
  out->available_end = size;
  out->range_start = start;
  out->range_end = start + static_cast<int64_t>(out->output.size());
  return Status::Ok();
}

Usage InstanceController::UsageOf(const std::string& user) {
  std::lock_guard lock(mu_);
  Usage u;
  for (const auto& [id, r] : records_) {
    if (r->user != user) continue;
    u.instances++;
    if (r->live()) {
      u.live_instances++;
      u.live_vcpus += r->view.vcpus;
      u.live_memory_mb += r->view.memory_mb;
    }
  }
  if (options_.services) {
    ServiceUsage services = options_.services->UsageOf(user);
    u.service_groups = services.service_groups;
    u.services = services.services;
  }
  return u;
}

pid_t InstanceController::ProcessOf(const std::string& user, const std::string& uuid) {
  std::lock_guard lock(mu_);
  InstanceRecord* r = FindLocked(user, uuid, "");
  vmm::VmStatus status;
  if (!r || r->vm_id.empty() || !vmm_->GetStatus(r->vm_id, &status).ok()) return 0;
  return status.accelerator == "fake" ? 0 : status.pid;  // a fake VM has no process
}

}  // namespace ukc::platform
