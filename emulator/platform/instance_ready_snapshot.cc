// Ready snapshots for stateless scale-to-zero. Once a stateless instance is in standby, the
// preparer thread boots it again in the background (its own VM in <instance dir>/ready/, never
// routed), waits until every guest port listens and snapshots that fresh VM; the snapshot becomes
// the standby snapshot, so the next wake restores it (~0.3 s under TCG) instead of booting
// (~4 s). The app has served nothing when the snapshot is taken: the woken instance is a fresh
// app, as after a boot (it only shares that boot's boot id and clock). Any launch, stop or
// delete of the instance meanwhile cancels the preparation (a wake then boots as before).
#include "log.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

namespace {
constexpr auto kPrepareLimit = std::chrono::seconds(180);  // boot + listen, under TCG
constexpr auto kPollEvery = std::chrono::milliseconds(100);
}  // namespace

void InstanceController::QueueReadySnapshotLocked(InstanceRecord* r) {
  if (!options_.ready_snapshots || !options_.port_ready || r->standby_snapshot) return;
  if (r->view.state != api::kStateStandby || r->active() || !r->view.volumes.empty()) return;
  r->preparing = true;
  r->prepare_token = ++next_prepare_token_;
  prepares_.push_back(r->view.uuid);
  changed_.notify_all();
}

bool InstanceController::StillPreparingLocked(const std::string& uuid, int64_t token) {
  auto it = records_.find(uuid);
  return !stopping_ && it != records_.end() && it->second->preparing &&
         it->second->prepare_token == token;
}

// Boots `spec` and waits (off the lock) until every guest port listens; false when cancelled,
// failed or too slow. Leaves the VM to the caller either way.
bool InstanceController::BootUntilListening(const vmm::LaunchSpec& spec, const std::string& uuid,
                                            int64_t token) {
  vmm::VmStatus status;
  if (Status s = vmm_->Launch(spec, &status); !s.ok()) {
    Log(LogLevel::kWarn,
        "instance " + uuid + ": cannot boot for a ready snapshot: " + s.ToString());
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + kPrepareLimit;
  auto wanted = [&] {
    std::lock_guard lock(mu_);
    return StillPreparingLocked(uuid, token) && std::chrono::steady_clock::now() < deadline;
  };
  while (wanted()) {
    (void)vmm_->Wait(spec.id, vmm::VmState::kRunning, std::chrono::steady_clock::now() + kPollEvery,
                     &status);
    if (status.state == vmm::VmState::kRunning) break;
    if (status.state != vmm::VmState::kStarting) return false;  // it ended
  }
  if (status.state != vmm::VmState::kRunning) return false;
  while (wanted()) {
    if (VmListening(status)) return true;
    std::this_thread::sleep_for(status.reports_listening ? kPollEvery / 4 : kPollEvery);
    if (!vmm_->GetStatus(spec.id, &status).ok() || status.state != vmm::VmState::kRunning) {
      return false;
    }
  }
  return false;
}

void InstanceController::PreparerLoop() {
  std::unique_lock lock(mu_);
  auto preparing = [](const InstanceRecord& r) { return r.preparing; };
  while (InstanceRecord* queued = NextQueuedLocked(lock, &prepares_, preparing)) {
    int64_t token = queued->prepare_token;
    InstanceRecord record = *queued;
    std::string uuid = record.view.uuid;
    lock.unlock();

    vmm::LaunchSpec spec;
    Status s = BuildLaunchSpec(record, &spec);
    spec.id = uuid + "-ready-" + std::to_string(token);
    spec.instance_dir = options_.instances_dir / uuid / "ready";
    std::filesystem::path saved = spec.instance_dir / "ready.snapshot";
    std::error_code ec;
    if (!spec.shared_memory.empty()) {
      spec.shared_memory = SharedMemoryPath(uuid, ".ready");
      std::filesystem::remove(spec.shared_memory, ec);
    }
    auto started = std::chrono::steady_clock::now();
    bool ready = s.ok() && BootUntilListening(spec, uuid, token);
    if (ready) s = vmm_->Snapshot(spec.id, saved);
    (void)vmm_->Kill(spec.id);
    (void)vmm_->Release(spec.id);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();

    lock.lock();
    bool wanted = StillPreparingLocked(uuid, token);
    if (wanted) records_[uuid]->preparing = false;
    if (wanted && ready && s.ok()) {
      if (!spec.shared_memory.empty()) {  // the snapshot's RAM becomes the instance's
        std::filesystem::rename(spec.shared_memory, SharedMemoryPath(uuid), ec);
      }
      if (!ec) std::filesystem::rename(saved, SnapshotPath(uuid), ec);
      if (!ec) {
        InstanceRecord* r = records_[uuid].get();
        r->standby_snapshot = true;
        PersistLocked(*r);
        Log(LogLevel::kInfo, "instance " + r->view.name + ": ready snapshot taken in " +
                                 std::to_string(ms) + " ms; the next wake restores it");
      }
    } else if (wanted && !s.ok()) {
      Log(LogLevel::kWarn, "instance " + record.view.name + ": no ready snapshot (" + s.ToString() +
                               "); a wake boots it");
    }
    std::filesystem::remove(saved, ec);
    if (!spec.shared_memory.empty()) std::filesystem::remove(spec.shared_memory, ec);
  }
}

}  // namespace ukc::platform
