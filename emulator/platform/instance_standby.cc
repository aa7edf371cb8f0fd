// Scale-to-zero (ukc-api.md §5.5, image-format.md §4.6): a running instance goes to `standby`
// with stop_reason 7 (--PAK) when, for cooldown_time_ms, it had no proxied connection (policy
// `on`) or no exchange — HTTP request in flight or byte splice — on its open connections (policy
// `idle`: idle keep-alive connections stay open; their next request wakes it). The parker thread
// first checks that the app listens on its ports (an app still starting up is not idle: its
// cooldown starts again). Stateless: a graceful stop; the next connection boots it again (or
// restores its ready snapshot, instance_ready_snapshot.cc). Stateful: the parker saves the VM
// (Vmm::Snapshot) and the next launch restores it.
#include "log.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

namespace {
constexpr int kStopCodeClean = 0x8100;
}

void InstanceController::CheckIdleLocked(InstanceRecord* r) {
  const auto& policy = r->view.scale_to_zero;
  if (!policy || policy->policy == "off" || !r->view.service_group) return;
  if (r->view.state != api::kStateRunning || r->parking || r->vm_id.empty() || r->stop_request) {
    return;
  }
  if (!r->AllPortsListening()) return;  // a booting app is not idle
  ConnectionCounts c = connections_.Get(r->view.uuid);
  // `on`: no connection open. `idle`: connections may stay open, but none is in an exchange.
  bool idle_policy = policy->policy == "idle";
  if (idle_policy ? c.exchanges > 0 : c.open > 0) return;
  int64_t last_activity = idle_policy ? c.last_exchange_change_ms : c.last_change_ms;
  int64_t idle_since = std::max(r->active_at_ms, last_activity);
  if (connections_.NowMs() - idle_since < policy->cooldown_time_ms) return;
  ParkLocked(r);
}

void InstanceController::ParkLocked(InstanceRecord* r) {
  r->parking = true;
  routes_dirty_ = true;  // out of rotation at once
  parks_.push_back(r->view.uuid);
  changed_.notify_all();
  PublishRoutesLocked();
}

// Called by RecordStopLocked for a parked instance: standby instead of stopped. False when the
// stop was the user's (a user stop during parking wins).
bool InstanceController::FinishParkLocked(InstanceRecord* r, const vmm::VmStatus& status) {
  if (!r->parking) return false;
  r->parking = false;
  if (r->stop_request & api::kStopUser) return false;
  api::Instance& v = r->view;
  v.state = api::kStateStandby;
  v.stop_reason = api::kStopPlatform | api::kStopApp | api::kStopKernel;
  v.stop_code = kStopCodeClean;
  v.exit_code = status.exit_code.value_or(0);
  r->standby_snapshot = status.stop_reason == "snapshot";
  return true;
}

void InstanceController::RemoveStandbyState(const std::string& uuid) {
  std::error_code ec;
  std::filesystem::remove(SnapshotPath(uuid), ec);
  if (options_.shared_memory_dir.empty()) return;
  std::filesystem::remove(SharedMemoryPath(uuid), ec);
  std::filesystem::remove(SharedMemoryPath(uuid, ".ready"), ec);
}

void InstanceController::SweepSharedMemoryLocked() {
  if (options_.shared_memory_dir.empty()) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.shared_memory_dir, ec)) {
    std::string uuid = entry.path().stem().string();  // "<uuid>" or "<uuid>.ready"
    auto it = records_.find(uuid);
    bool restorable = it != records_.end() && !it->second->active() &&
                      it->second->view.state == api::kStateStandby && it->second->standby_snapshot;
    if (!restorable) std::filesystem::remove(entry.path(), ec);
  }
}

void InstanceController::ParkerLoop() {
  std::unique_lock lock(mu_);
  auto parkable = [](const InstanceRecord& r) { return r.parking && !r.vm_id.empty(); };
  while (InstanceRecord* r = NextQueuedLocked(lock, &parks_, parkable)) {
    std::string uuid = r->view.uuid;
    std::string vm_id = r->vm_id;
    bool stateful = r->view.scale_to_zero->stateful;
    // Parked only once the app listens: a snapshot then serves at once when restored.
    bool listening = r->AllPortsListening();
    lock.unlock();
    Status s = !listening ? Status::Unavailable("the app does not listen yet")
               : stateful ? vmm_->Snapshot(vm_id, SnapshotPath(uuid))
                          : Status::Ok();
    lock.lock();
    auto it = records_.find(uuid);
    if (it == records_.end() || it->second->vm_id != vm_id) continue;
    r = it->second.get();
    if (!s.ok()) {
      r->parking = false;
      r->active_at_ms = connections_.NowMs();  // try again after another cooldown
      if (listening) {
        Log(LogLevel::kWarn, "instance " + r->view.name + ": snapshot failed (" + s.ToString() +
                                 "); it keeps running");
      }
      routes_dirty_ = true;
      changed_.notify_all();  // a connection held for this group may go to it again
      continue;
    }
    if (stateful) {
      FollowVmLocked(r);                // the VM ended: standby
    } else if (r->stop_request == 0) {  // not stopped by the user meanwhile
      r->stop_request = api::kStopPlatform;
      (void)vmm_->Stop(vm_id);  // graceful; standby once it ended
    }
  }
}

}  // namespace ukc::platform
