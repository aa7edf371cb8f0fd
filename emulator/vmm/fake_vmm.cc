#include "vmm/fake_vmm.h"

#include <algorithm>
#include <fstream>

namespace ukc::vmm {

using std::chrono::milliseconds;

void FakeVmm::SetDefaultScript(FakeScript script) {
  std::lock_guard lock(mu_);
  default_script_ = std::move(script);
}

void FakeVmm::SetScript(const std::string& id, FakeScript script) {
  std::lock_guard lock(mu_);
  scripts_[id] = std::move(script);
}

std::vector<LaunchSpec> FakeVmm::launched() {
  std::lock_guard lock(mu_);
  return launched_;
}

FakeVmm::Vm* FakeVmm::Find(const std::string& id) {
  auto it = vms_.find(id);
  return it == vms_.end() ? nullptr : &it->second;
}

void FakeVmm::End(Vm* vm, std::string reason, std::optional<int> code) {
  vm->status.state = VmState::kStopped;
  vm->status.stop_reason = std::move(reason);
  vm->status.exit_code = code;
  vm->status.pid = 0;
  for (const auto& [guest, host] : vm->status.host_ports) ports_->Release(host);
}

void FakeVmm::Refresh(Vm* vm, Clock::TimePoint now) {
  const FakeScript& s = vm->script;
  auto delay = vm->restored ? s.restore_delay : s.boot_delay;
  if (vm->status.state == VmState::kStarting && now >= vm->launched + delay) {
    if (!s.boot_failure.empty() && !vm->restored) {
      return End(vm, "boot-failed: " + s.boot_failure, std::nullopt);
    }
    vm->status.state = VmState::kRunning;
    vm->running_at = vm->launched + delay;
    vm->status.boot_time_us = std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
    vm->status.reports_listening = s.reports_listening;
    if (vm->restored) {  // saved while listening; no console output
      for (const auto& [guest, host] : vm->status.host_ports) {
        if (s.reports_listening) vm->status.listening_ports.insert(guest);
      }
      return;
    }
    vm->console += s.console;
    if (!vm->console_file.empty()) std::ofstream(vm->console_file, std::ios::app) << s.console;
  }
  if (vm->status.state == VmState::kRunning && s.reports_listening && s.listen_after &&
      now >= vm->running_at + *s.listen_after) {
    for (const auto& [guest, host] : vm->status.host_ports)
      vm->status.listening_ports.insert(guest);
  }
  if (vm->status.state == VmState::kRunning && s.exit_after &&
      now >= vm->running_at + *s.exit_after) {
    return End(vm, "app-exit", s.exit_code);
  }
  if (vm->status.state == VmState::kStopping && now >= vm->stop_at) {
    End(vm, "stopped", s.stop_exit_code);
  }
}

Status FakeVmm::Launch(const LaunchSpec& spec, VmStatus* status) {
  std::lock_guard lock(mu_);
  if (spec.id.empty()) return Status::InvalidArgument("VM id is empty");
  if (vms_.count(spec.id)) return Status::AlreadyExists("VM " + spec.id + " exists");
  auto it = scripts_.find(spec.id);
  FakeScript script = it == scripts_.end() ? default_script_ : it->second;
  if (!script.launch_error.ok()) return script.launch_error;
  if (!spec.restore_from.empty() && !std::filesystem::exists(spec.restore_from)) {
    return Status::NotFound("snapshot " + spec.restore_from.string() + " not found");
  }
  if (!spec.template_key.empty()) {
    if (!templates_.count(spec.template_key)) {
      return Status::NotFound("template " + spec.template_key + " not found");
    }
    if (!template_failure.ok()) return template_failure;
  }
  Vm vm{script, {}, "", {}, !spec.restore_from.empty(), clock_->Now(), {}, {}};
  if (!spec.instance_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(spec.instance_dir, ec);
    vm.console_file = spec.instance_dir / "console.log";
    std::ofstream(vm.console_file, std::ios::trunc);
  }
  vm.status.id = spec.id;
  vm.status.accelerator = "fake";
  vm.status.pid = 4242;
  for (int port : spec.guest_ports) {
    int host;
    if (Status s = ports_->Allocate(&host); !s.ok()) {
      for (const auto& [g, h] : vm.status.host_ports) ports_->Release(h);
      return s;
    }
    vm.status.host_ports[port] = host;
  }
  launched_.push_back(spec);
  *status = vms_.emplace(spec.id, std::move(vm)).first->second.status;
  return Status::Ok();
}

Status FakeVmm::Stop(const std::string& id) {
  std::lock_guard lock(mu_);
  Vm* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  Refresh(vm, clock_->Now());
  if (vm->status.state == VmState::kStarting) {
    End(vm, "stopped", std::nullopt);
  } else if (vm->status.state == VmState::kRunning) {
    vm->status.state = VmState::kStopping;
    vm->stop_at = clock_->Now() + vm->script.stop_delay;
  }
  return Status::Ok();
}

Status FakeVmm::Kill(const std::string& id) {
  std::lock_guard lock(mu_);
  Vm* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  Refresh(vm, clock_->Now());
  if (vm->status.state != VmState::kStopped) End(vm, "killed", std::nullopt);
  return Status::Ok();
}

Status FakeVmm::Snapshot(const std::string& id, const std::filesystem::path& path) {
  std::lock_guard lock(mu_);
  Vm* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  Refresh(vm, clock_->Now());
  if (vm->status.state != VmState::kRunning) {
    return Status::InvalidArgument("VM " + id + " is not running");
  }
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream(path, std::ios::trunc) << "fake snapshot of " << id << "\n";
  End(vm, "snapshot", std::nullopt);
  return Status::Ok();
}

Status FakeVmm::GetStatus(const std::string& id, VmStatus* status) {
  std::lock_guard lock(mu_);
  Vm* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  Refresh(vm, clock_->Now());
  *status = vm->status;
  return Status::Ok();
}

Status FakeVmm::Wait(const std::string& id, VmState target,
                     std::chrono::steady_clock::time_point deadline, VmStatus* status) {
  for (bool seen = false;; seen = true) {
    if (Status s = GetStatus(id, status); !s.ok()) {
      if (!seen) return s;
      status->state = VmState::kStopped;  // released meanwhile: it had stopped
    }
    if (status->state >= target) return Status::Ok();
    auto now = clock_->Now();
    if (now >= deadline) {
      return Status::Unavailable("VM " + id + " not " + VmStateName(target) + " in time");
    }
    clock_->SleepUntil(std::min(deadline, now + milliseconds(10)));
  }
}

Status FakeVmm::ReadConsole(const std::string& id, int64_t offset, int64_t limit, std::string* out,
                            int64_t* next_offset) {
  std::lock_guard lock(mu_);
  Vm* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  Refresh(vm, clock_->Now());
  auto start = static_cast<size_t>(std::clamp<int64_t>(offset, 0, vm->console.size()));
  *out = vm->console.substr(start, static_cast<size_t>(std::max<int64_t>(limit, 0)));
  *next_offset = static_cast<int64_t>(start + out->size());
  return Status::Ok();
}

Status FakeVmm::Release(const std::string& id) {
  std::lock_guard lock(mu_);
  Vm* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  if (vm->status.state != VmState::kStopped) {
    return Status::InvalidArgument("VM " + id + " is still running");
  }
  vms_.erase(id);
  return Status::Ok();
}

std::vector<std::string> FakeVmm::List() {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, vm] : vms_) ids.push_back(id);
  return ids;
}

namespace {
std::string FakeTemplateKey(const TemplateRequest& r) {
  std::string key = r.kernel.string() + "|" + r.initrd.string();
  for (const auto& layer : r.layer_keys) key += "|" + layer;
  return key + "|" + std::to_string(r.memory_mb) + "|" + std::to_string(r.vcpus);
}
}  // namespace

bool FakeVmm::FindTemplate(const TemplateRequest& request, std::string* key) {
  std::lock_guard lock(mu_);
  *key = FakeTemplateKey(request);
  return templates_.count(*key) > 0;
}

Status FakeVmm::BuildTemplate(const TemplateRequest& request) {
  std::lock_guard lock(mu_);
  if (templates_.insert(FakeTemplateKey(request)).second) templates_built_++;
  return Status::Ok();
}

void FakeVmm::DropTemplate(const std::string& key) {
  std::lock_guard lock(mu_);
  templates_.erase(key);
}

int FakeVmm::templates_built() {
  std::lock_guard lock(mu_);
  return templates_built_;
}

}  // namespace ukc::vmm
