// Launching an instance's VM: the launcher thread takes queued launches and boots (or, from a
// standby snapshot, restores) each VM outside the controller's lock, then hands it to the
// supervisor. BuildLaunchSpec turns a record and its image into the VMM's LaunchSpec.
#include <fstream>

#include "log.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

namespace {

// The app's argv from the instance's args. Clients send one string ("/usr/bin/python3 app.py")
// or several; like the kernel command line they are joined and split again (quotes group).
std::vector<std::string> SplitArgs(const std::vector<std::string>& args) {
  std::string line;
  for (const auto& a : args) line.append(line.empty() ? "" : " ").append(a);
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

}  // namespace

Status InstanceController::BuildLaunchSpec(const InstanceRecord& r, vmm::LaunchSpec* spec,
                                           BootImage* loaded) {
  BootImage image;
  if (Status s = images_->Load(r.image_repository, r.image_digest, &image); !s.ok()) return s;
  spec->id = r.view.uuid + "-" + std::to_string(r.view.start_count);
  spec->kernel = image.kernel;
  spec->initrd = image.initrd;
  spec->argv = SplitArgs(r.view.args);
  if (spec->argv.empty()) spec->argv = image.cmd;
  spec->env = image.env;
  for (const auto& [k, v] : r.view.env) spec->env.push_back(k + "=" + v);
  spec->cwd = image.working_dir;
  spec->memory_mb = r.view.memory_mb;
  spec->grow_memory_to_fit = true;
  spec->vcpus = r.view.vcpus;
  for (const auto& s : r.services) {
    // A redirect's destination is the published https port, not a port of the guest.
    if (std::find(s.handlers.begin(), s.handlers.end(), "redirect") != s.handlers.end()) continue;
    if (std::find(spec->guest_ports.begin(), spec->guest_ports.end(), s.destination_port) ==
        spec->guest_ports.end()) {
      spec->guest_ports.push_back(s.destination_port);
    }
  }
  spec->stop_timeout = options_.stop_timeout;
  spec->instance_dir = options_.instances_dir / r.view.uuid;
  if (r.view.scale_to_zero && r.view.scale_to_zero->policy != "off") {
    spec->shared_memory = SharedMemoryPath(r.view.uuid);
  }
  if (loaded) *loaded = std::move(image);
  return Status::Ok();
}

Status InstanceController::LaunchVm(const InstanceRecord& r, std::string* vm_id, bool* restored) {
  vmm::LaunchSpec spec;
  BootImage image;
  if (Status s = BuildLaunchSpec(r, &spec, &image); !s.ok()) return s;
  vmm::LaunchSpec boot = spec;  // what a boot launches, should the template fail
  std::error_code ec;
  if (r.standby_snapshot && std::filesystem::exists(SnapshotPath(r.view.uuid), ec)) {
    spec.restore_from = SnapshotPath(r.view.uuid);  // scale-to-zero: resume the saved VM
  } else {
    if (!spec.shared_memory.empty()) {
      std::filesystem::remove(spec.shared_memory, ec);  // a boot starts from zeroed RAM
    }
    // A stateful scale-to-zero VM keeps its RAM in its own shared file: it boots.
    bool own_ram = !spec.shared_memory.empty() && r.view.scale_to_zero->stateful;
    if (!own_ram) UseTemplate(image, &spec);
  }
  vmm::VmStatus status;
  Status s = vmm_->Launch(spec, &status);
  if (!s.ok() && !spec.template_key.empty()) {
    Log(LogLevel::kWarn, "instance " + r.view.name + ": its template did not restore (" +
                             s.ToString() + "); booting it instead");
    vmm_->DropTemplate(spec.template_key);
    spec = boot;
    vmm::LaunchSpec rebuild = boot;
    UseTemplate(image, &rebuild);  // finds none now: queues a new build
    s = vmm_->Launch(spec, &status);
  } else if (s.ok() && !spec.template_key.empty()) {
    Log(LogLevel::kInfo, "instance " + r.view.name + ": restored from template " +
                             spec.template_key + " (" + std::to_string(spec.memory_mb) + " MB, " +
                             status.accelerator + ")");
  } else if (s.ok() && spec.restore_from.empty()) {
    Log(LogLevel::kInfo, "instance " + r.view.name + ": booting (" + status.accelerator + ")");
  }
  if (!s.ok() && !spec.restore_from.empty()) {
    Log(LogLevel::kWarn, "instance " + r.view.name + ": cannot restore its snapshot (" +
                             s.ToString() + "); booting it instead");
    spec.restore_from.clear();
    if (!spec.shared_memory.empty()) std::filesystem::remove(spec.shared_memory, ec);
    s = vmm_->Launch(spec, &status);
  }
  if (!s.ok()) return s;
  *vm_id = spec.id;
  *restored = !spec.restore_from.empty();
  return Status::Ok();
}

InstanceRecord* InstanceController::NextQueuedLocked(
    std::unique_lock<std::mutex>& lock, std::deque<std::string>* queue,
    const std::function<bool(const InstanceRecord&)>& wanted) {
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue->empty(); });
    if (stopping_) return nullptr;
    std::string uuid = std::move(queue->front());
    queue->pop_front();
    auto it = records_.find(uuid);
    if (it != records_.end() && wanted(*it->second)) return it->second.get();
  }
}

void InstanceController::LauncherLoop() {
  std::unique_lock lock(mu_);
  auto launchable = [](const InstanceRecord& r) { return r.launch_pending && r.vm_id.empty(); };
  while (InstanceRecord* queued = NextQueuedLocked(lock, &launches_, launchable)) {
    InstanceRecord snapshot = *queued;
    std::string uuid = snapshot.view.uuid;
    lock.unlock();
    std::string vm_id;
    bool restored = false;
    Status s = LaunchVm(snapshot, &vm_id, &restored);
    lock.lock();
    auto it = records_.find(uuid);
    bool current = it != records_.end() && it->second->launch_pending &&
                   it->second->launch_generation == snapshot.launch_generation;
    if (!current) {  // stopped or deleted meanwhile
      if (s.ok()) {
        (void)vmm_->Kill(vm_id);
        (void)vmm_->Release(vm_id);
      }
      continue;
    }
    InstanceRecord* r = it->second.get();
    r->launch_pending = false;
    if (!s.ok()) {
      Log(LogLevel::kWarn, "instance " + r->view.name + " failed to boot: " + s.ToString());
      std::error_code ec;
      std::filesystem::create_directories(options_.instances_dir / uuid, ec);
      std::ofstream(options_.instances_dir / uuid / "console.log", std::ios::app)
          << "ukc-emu: the instance could not be started: " << s.message() << "\n";
      vmm::VmStatus failed;
      failed.state = vmm::VmState::kStopped;
      failed.stop_reason = "boot-failed: " + s.message();
      RecordStopLocked(r, failed);
      ArchiveConsoleLocked(uuid);
      PersistLocked(*r);
    } else {
      r->vm_id = vm_id;
      r->standby_snapshot = false;
      r->restored = restored;
      r->guest_reports = false;
      r->listening_ports.clear();
      FollowVmLocked(r);  // persists once the VM's state moves on
    }
  }
}

}  // namespace ukc::platform
