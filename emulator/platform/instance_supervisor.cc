// The controller's moving parts: following VMs (supervisor thread), recording stops, restart
// policies, recovery and shutdown. Launching is in instance_launch.cc.
#include <fstream>
#include <thread>

#include "log.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

namespace {

// Clean kernel shutdown (termtable, initlevel 1, OK) and a crash while the app ran (EXP at
// initlevel 127), in the stop_code layout of ukc-api.md §5.3.
constexpr int kStopCodeClean = 0x8100;
constexpr int kStopCodeCrash = 0x7F01;
constexpr int kStopCodeBootFailure = 0x0101;
constexpr int64_t kHealthyRunMs = 10000;

// Back-off of the n-th restart in a sequence: immediately, then 5 s, 10 s, 20 s … capped at 5 min.
int64_t RestartDelayMs(int attempt) {
  if (attempt <= 0) return 0;
  int64_t delay = 5000;
  for (int i = 1; i < attempt && delay < 300000; ++i) delay *= 2;
  return std::min<int64_t>(delay, 300000);
}

}  // namespace

void InstanceController::PersistLocked(InstanceRecord& r) {
  r.revision++;
  routes_dirty_ = true;
  if (Status s = store_->Put(r); !s.ok()) {
    Log(LogLevel::kError, "instance " + r.view.uuid + ": cannot persist: " + s.ToString());
  }
  changed_.notify_all();
}

void InstanceController::RequestLaunchLocked(InstanceRecord* r, bool restart) {
  r->preparing = false;  // a ready snapshot still in the making is not waited for
  r->launch_pending = true;
  r->launch_generation++;
  r->restarting = restart;
  r->stop_request = 0;
  r->drain_until_ms = 0;
  r->view.state = api::kStateStarting;
  r->view.start_count++;
  if (restart) r->view.restart_count++;
  r->view.started_at = Rfc3339(NowMs());
  r->view.stopped_at.clear();
  r->view.stop_reason.reset();
  r->view.stop_code.reset();
  r->view.exit_code.reset();
  launches_.push_back(r->view.uuid);
  changed_.notify_all();
}

void InstanceController::StopLocked(InstanceRecord* r, int reason_bits, bool force) {
  r->drain_until_ms = 0;
  if (r->launch_pending || r->vm_id.empty()) {  // never booted (or launch in flight): done now
    r->launch_pending = false;
    r->view.state = api::kStateStopped;
    r->view.stop_reason = reason_bits | (force ? api::kStopForced : 0);
    r->view.stopped_at = Rfc3339(NowMs());
    return;
  }
  r->stop_request = reason_bits | (force ? api::kStopForced : 0);
  if (force) {
    (void)vmm_->Kill(r->vm_id);
    FollowVmLocked(r);
  } else {
    (void)vmm_->Stop(r->vm_id);
    r->view.state = api::kStateStopping;
  }
}

void InstanceController::RecordStopLocked(InstanceRecord* r, const vmm::VmStatus& status) {
  api::Instance& v = r->view;
  int requested = r->stop_request;
  bool booted = r->running_since_ms > 0;
  int bits = 0;
  v.exit_code.reset();
  v.stop_code.reset();
  if (requested & api::kStopForced) {
    bits = requested;
  } else if (status.stop_reason.rfind("boot-failed", 0) == 0 || (!booted && !status.exit_code)) {
    bits = requested | api::kStopKernel;
    v.stop_code = kStopCodeBootFailure;
  } else if (status.exit_code) {
    bits = requested | api::kStopApp | api::kStopKernel;
    v.exit_code = *status.exit_code;
    v.stop_code = kStopCodeClean;
  } else if (requested) {  // the guest had to kill the app (or QEMU was stopped harder)
    bits = requested | api::kStopKernel;
    v.stop_code = kStopCodeClean;
  } else {  // the VM ended on its own without the app reporting an exit: a crash
    bits = api::kStopKernel;
    v.stop_code = kStopCodeCrash;
  }
  v.stop_reason = bits;
  int64_t now = NowMs();
  v.stopped_at = Rfc3339(now);
  if (booted) r->uptime_before_ms += std::max<int64_t>(0, now - r->running_since_ms);
  v.state = api::kStateStopped;
  r->host_ports.clear();
  r->listening_ports.clear();
  if (FinishParkLocked(r, status)) {  // scale-to-zero: standby
    r->running_since_ms = 0;
    r->stop_request = 0;
    return;
  }
  if (requested == 0 && status.stop_reason != "app-exit") {
    Log(LogLevel::kInfo, "instance " + v.name + " stopped: " + status.stop_reason);
  }
  int64_t ran_ms = booted ? now - r->running_since_ms : 0;
  r->running_since_ms = 0;
  r->stop_request = 0;
  if (requested == 0) {
    bool crashed = !v.exit_code.has_value();
    if (ran_ms >= kHealthyRunMs) v.restart.reset();  // a healthy run ends the sequence
    ScheduleRestartLocked(r, crashed, v.exit_code.value_or(0));
  }
}

void InstanceController::ScheduleRestartLocked(InstanceRecord* r, bool crashed, int exit_code) {
  const std::string& policy = r->view.restart_policy;
  bool restart = policy == "always" || (policy == "on-failure" && (crashed || exit_code != 0));
  if (!restart) {
    r->view.restart.reset();
    return;
  }
  int attempt = r->view.restart ? r->view.restart->attempt : 0;
  int64_t at = NowMs() + RestartDelayMs(attempt);
  r->view.restart = api::RestartInfo{attempt + 1, Rfc3339(at)};
  r->restart_at_ms = at;
}

void InstanceController::FollowVmLocked(InstanceRecord* r) {
  vmm::VmStatus status;
  if (!vmm_->GetStatus(r->vm_id, &status).ok()) {
    status.state = vmm::VmState::kStopped;
    status.stop_reason = "crashed";
  }
  api::Instance& v = r->view;
  switch (status.state) {
    case vmm::VmState::kStarting:
      return;
    case vmm::VmState::kRunning:
      if (v.state == api::kStateStarting) {
        v.state = api::kStateRunning;
        r->running_since_ms = NowMs();
        r->active_at_ms = connections_.NowMs();
        r->host_ports = status.host_ports;
        v.boot_time_us = status.boot_time_us;
        PersistLocked(*r);
      }
      NoteListeningLocked(r, status);
      return;
    case vmm::VmState::kStopping:
      if (v.state != api::kStateStopping) {
        v.state = api::kStateStopping;
        PersistLocked(*r);
      }
      return;
    case vmm::VmState::kStopped:
      break;
  }
  RecordStopLocked(r, status);
  (void)vmm_->Release(r->vm_id);
  r->vm_id.clear();
  ArchiveConsoleLocked(v.uuid);
  if (v.state == api::kStateStandby) {
    QueueReadySnapshotLocked(r);  // stateless ones
  } else if (!options_.shared_memory_dir.empty()) {
    RemoveStandbyState(v.uuid);  // its RAM file serves no wake
  }
  if (r->delete_on_stop()) {
    (void)store_->Delete(v.uuid);
    RemoveLocked(v.uuid);
    return;
  }
  if (r->restart_at_ms > 0 && r->restart_at_ms <= NowMs()) {
    r->restart_at_ms = 0;
    RequestLaunchLocked(r, true);
  }
  PersistLocked(*r);
}

void InstanceController::Tick() {
  std::lock_guard lock(mu_);
  int64_t now = NowMs();
  std::vector<std::string> uuids;
  for (const auto& [uuid, r] : records_) uuids.push_back(uuid);
  for (const auto& uuid : uuids) {
    auto it = records_.find(uuid);
    if (it == records_.end()) continue;
    InstanceRecord* r = it->second.get();
    if (r->view.state == api::kStateDraining && r->drain_until_ms > 0 &&
        (connections_.Get(uuid).open == 0 || now >= r->drain_until_ms)) {
      // Draining ends when the proxied connections have closed, or at its deadline.
      StopLocked(r, api::kStopUser | api::kStopPlatform, false);
      PersistLocked(*r);
    }
    if (!r->vm_id.empty()) {
      FollowVmLocked(r);
      if (records_.count(uuid)) CheckIdleLocked(r);
    } else if (r->restart_at_ms > 0 && r->restart_at_ms <= now && !r->launch_pending) {
      r->restart_at_ms = 0;
      RequestLaunchLocked(r, true);
      PersistLocked(*r);
    }
  }
  PublishChangedRoutesLocked();
}

void InstanceController::SupervisorLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    changed_.wait_for(lock, options_.poll_interval);
    if (stopping_) return;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

Status InstanceController::Recover() {
  std::vector<InstanceRecord> loaded;
  int skipped = 0;
  if (Status s = store_->LoadAll(&loaded, &skipped); !s.ok()) return s;
  if (skipped > 0) {
    Log(LogLevel::kWarn, std::to_string(skipped) + " unreadable instance record(s) skipped");
  }
  std::lock_guard lock(mu_);
  int64_t now = NowMs();
  for (auto& record : loaded) {
    next_sequence_ = std::max(next_sequence_, record.sequence + 1);
    next_network_index_ = std::max(next_network_index_, record.network_index + 1);
    auto r = std::make_unique<InstanceRecord>(std::move(record));
    bool standby = r->view.state == api::kStateStandby && !r->active();
    if ((r->view.state != api::kStateStopped || r->active()) && !standby) {
      // Its VM ended with the previous daemon: a platform-initiated stop.
      r->view.state = api::kStateStopped;
      r->view.stop_reason = api::kStopPlatform;
      r->view.stopped_at = Rfc3339(now);
      r->vm_id.clear();
      r->launch_pending = false;
      r->running_since_ms = 0;
      r->stop_request = 0;
      r->drain_until_ms = 0;
      PersistLocked(*r);
    }
    InstanceRecord* kept = r.get();
    records_[r->view.uuid] = std::move(r);
    if (standby) QueueReadySnapshotLocked(kept);  // stateless ones without one yet
  }
  SweepSharedMemoryLocked();
  if (options_.services) {
    options_.services->Prune([this](const std::string& uuid) { return records_.count(uuid) > 0; });
  }
  return Status::Ok();
}

void InstanceController::StartThreads() {
  launcher_ = std::thread([this] { LauncherLoop(); });
  supervisor_ = std::thread([this] { SupervisorLoop(); });
  parker_ = std::thread([this] { ParkerLoop(); });
  preparer_ = std::thread([this] { PreparerLoop(); });
  prober_ = std::thread([this] { ProberLoop(); });
  templater_ = std::thread([this] { TemplaterLoop(); });
}

void InstanceController::Shutdown() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    changed_.notify_all();
  }
  if (launcher_.joinable()) launcher_.join();
  if (supervisor_.joinable()) supervisor_.join();
  if (parker_.joinable()) parker_.join();
  if (preparer_.joinable()) preparer_.join();
  if (prober_.joinable()) prober_.join();
  if (templater_.joinable()) {  // a build may take minutes: its VM is killed, so it fails now
    while (true) {
      {
        std::lock_guard lock(mu_);
        if (!templater_running_) break;
      }
      for (const auto& id : vmm_->List()) {
        if (id.starts_with("template-")) (void)vmm_->Kill(id);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    templater_.join();
  }
  std::lock_guard lock(mu_);
  std::vector<std::string> uuids;
  for (const auto& [uuid, r] : records_) uuids.push_back(uuid);
  for (const auto& uuid : uuids) {
    auto it = records_.find(uuid);
    if (it == records_.end()) continue;
    InstanceRecord* r = it->second.get();
    r->restart_at_ms = 0;
    if (!r->active() &&
        (r->view.state == api::kStateStopped || r->view.state == api::kStateStandby)) {
      continue;
    }
    bool scales_to_zero = r->view.scale_to_zero && r->view.scale_to_zero->policy != "off";
    StopLocked(r, api::kStopPlatform, true);
    it = records_.find(uuid);  // delete-on-stop instances are gone now
    if (it == records_.end()) continue;
    if (scales_to_zero) {  // parked: the next connection after a restart boots it
      it->second->view.state = api::kStateStandby;
      it->second->view.stop_reason = api::kStopPlatform | api::kStopApp | api::kStopKernel;
    }
    PersistLocked(*it->second);
  }
  SweepSharedMemoryLocked();
}

}  // namespace ukc::platform
