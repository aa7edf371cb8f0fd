// QemuVmm snapshots: Snapshot pauses the guest and streams its state into a file with QMP
// `migrate` to `exec:cat > tmp`, then quits QEMU; a launch with LaunchSpec::restore_from starts
// QEMU with `-incoming exec:cat file` and PollRestore marks the VM running once QEMU resumed it
// (sending `cont` if it stayed paused). ARCHITECTURE.md measured ~1.4 s to save and ~0.6 s to
// resume a 256 MB Python guest under TCG. With LaunchSpec::shared_memory the RAM stays in its
// file (capability x-ignore-shared on both sides; the restore starts with `-incoming defer` so
// the capability is set before PollRestore begins the migration): tens of KB to save and load.
#include <unistd.h>

#include "vmm/qemu_instance.h"
#include "vmm/qmp_client.h"

namespace ukc::vmm {

using std::chrono::milliseconds;

namespace {

// Polls query-migrate until the outgoing migration ends; Internal when it failed.
Status WaitForMigration(const std::filesystem::path& qmp, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    nlohmann::json info;
    if (Status s = QmpCall(qmp, {{"execute", "query-migrate"}}, milliseconds(2000), &info);
        !s.ok()) {
      return s;
    }
    std::string status = info.value("status", "");
    if (status == "completed") return Status::Ok();
    if (status == "failed" || status == "cancelled") {
      return Status::Internal("snapshot failed: " + info.value("error-desc", status));
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return Status::Unavailable("snapshot did not complete in time");
}

// Guest RAM shared through a file is not copied into the snapshot (the file is the RAM).
nlohmann::json IgnoreSharedRam() {
  return {{"execute", "migrate-set-capabilities"},
          {"arguments",
           {{"capabilities",
             nlohmann::json::array({{{"capability", "x-ignore-shared"}, {"state", true}}})}}}};
}

}  // namespace

Status QemuVmm::Snapshot(const std::string& id, const std::filesystem::path& path) {
  std::filesystem::path qmp;
  bool shared_memory = false;
  {
    std::lock_guard lock(mu_);
    Instance* vm = Find(id);
    if (!vm) return Status::NotFound("no VM " + id);
    if (vm->status.state != VmState::kRunning || vm->snapshotting) {
      return Status::InvalidArgument("VM " + id + " is not running");
    }
    vm->snapshotting = true;
    qmp = vm->qmp;
    shared_memory = !vm->spec.shared_memory.empty();
  }
  std::filesystem::path temp = path;
  temp += ".tmp";
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  Status s =
      shared_memory ? QmpCall(qmp, IgnoreSharedRam(), milliseconds(5000), nullptr) : Status::Ok();
  if (s.ok()) s = QmpExecute(qmp, "stop", milliseconds(5000));
  if (s.ok()) {
    nlohmann::json migrate = {
        {"execute", "migrate"},
        {"arguments", {{"uri", "exec:cat > '" + std::filesystem::absolute(temp).string() + "'"}}}};
    s = QmpCall(qmp, migrate, milliseconds(5000), nullptr);
  }
  if (s.ok()) s = WaitForMigration(qmp, std::chrono::seconds(120));
  if (s.ok()) {
    std::filesystem::rename(temp, path, ec);
    if (ec) s = Status::IoError("cannot rename " + temp.string() + ": " + ec.message());
  }
  if (!s.ok()) {  // leave the VM as it was
    std::filesystem::remove(temp, ec);
    (void)QmpExecute(qmp, "cont", milliseconds(5000));
    std::lock_guard lock(mu_);
    if (Instance* vm = Find(id)) vm->snapshotting = false;
    return s;
  }
  {
    std::lock_guard lock(mu_);
    if (Instance* vm = Find(id)) {
      vm->snapshot_saved = true;
      vm->status.state = VmState::kStopping;
      vm->quit_at = clock_->Now();  // the monitor quits QEMU (then SIGKILL if it must)
    }
    changed_.notify_all();
  }
  VmStatus status;
  return Wait(id, VmState::kStopped, std::chrono::steady_clock::now() + std::chrono::seconds(10),
              &status);
}

void QemuVmm::PollRestore(Instance* vm) {
  if (!vm->incoming_uri.empty()) {  // -incoming defer: begin once QMP answers
    nlohmann::json incoming = {{"execute", "migrate-incoming"},
                               {"arguments", {{"uri", vm->incoming_uri}}}};
    if (!QmpCall(vm->qmp, IgnoreSharedRam(), milliseconds(500), nullptr).ok() ||
        !QmpCall(vm->qmp, incoming, milliseconds(2000), nullptr).ok()) {
      return;  // not up yet: the next poll tries again
    }
    vm->incoming_uri.clear();
  }
  nlohmann::json info;
  if (!QmpCall(vm->qmp, {{"execute", "query-status"}}, milliseconds(500), &info).ok()) return;
  std::string status = info.value("status", "");
  if (status == "paused" || status == "postmigrate") {
    (void)QmpExecute(vm->qmp, "cont", milliseconds(2000));
    return;
  }
  if (status != "running") return;  // "inmigrate": still loading
  std::lock_guard lock(mu_);
  vm->restoring = false;
  if (vm->from_template) {  // the guest goes on to start the app: running at its app-start
    changed_.notify_all();
    return;
  }
  vm->app_started = true;  // the app was running when the snapshot was taken
  if (vm->status.state == VmState::kStarting) vm->status.state = VmState::kRunning;
  vm->status.boot_time_us =
      std::chrono::duration_cast<std::chrono::microseconds>(clock_->Now() - vm->launched).count();
  changed_.notify_all();
}

}  // namespace ukc::vmm
