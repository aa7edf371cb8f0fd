#include "vmm/qemu_vmm.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "store/data_dir.h"
#include "vmm/accel_probe.h"
#include "vmm/console_parser.h"
#include "vmm/launch_params.h"
#include "vmm/process.h"
#include "vmm/qemu_instance.h"
#include "vmm/qmp_client.h"

namespace ukc::vmm {

using TimePoint = Clock::TimePoint;
using std::chrono::milliseconds;

QemuVmmOptions QemuVmmOptionsFromEnv() {
  QemuVmmOptions o;
  if (const char* v = getenv("UKC_QEMU"); v && *v) o.qemu.binary = v;
  if (const char* v = getenv("UKC_MACHINE"); v && *v) o.qemu.machine = v;
  o.qemu.accel = "auto";
  if (const char* v = getenv("UKC_ACCEL"); v && *v) o.qemu.accel = v;
  if (o.qemu.machine == "microvm") o.qemu.bios = DefaultMicrovmBios();
  std::string cpuinfo;
  if (store::ReadFile("/proc/cpuinfo", &cpuinfo).ok()) o.qemu.tsc_khz = TscKhzFromCpuinfo(cpuinfo);
  return o;
}

QemuVmm::QemuVmm(QemuVmmOptions options, PortAllocator* ports, Clock* clock)
    : options_(std::move(options)),
      ports_(ports),
      clock_(clock),
      templates_(options_.templates_dir) {}

QemuVmm::~QemuVmm() {
  for (const auto& id : List()) (void)Kill(id);
  std::map<std::string, std::unique_ptr<Instance>> vms;
  {
    std::lock_guard lock(mu_);
    vms.swap(vms_);
  }
  for (auto& [id, vm] : vms) {
    if (vm->monitor.joinable()) vm->monitor.join();
    if (vm->console_fd >= 0) close(vm->console_fd);
  }
}

std::string QemuVmm::Accelerator(const std::filesystem::path& kernel,
                                 const std::filesystem::path& initrd,
                                 const std::filesystem::path& work_dir) {
  std::call_once(accel_once_, [&] {
    accel_ = options_.qemu.accel;
    if (accel_ != "auto") return;
    accel_ = ProbeAccelerator({options_.qemu, kernel, initrd, work_dir, options_.accel_cache});
  });
  return accel_;
}

Status QemuVmm::Launch(const LaunchSpec& requested, VmStatus* status) {
  LaunchSpec spec = requested;
  if (spec.grow_memory_to_fit && !spec.initrd.empty()) {
    std::error_code ec;
    auto size = std::filesystem::file_size(spec.initrd, ec);
    spec.memory_mb = std::max(spec.memory_mb, RoomyMemoryMb(ec ? 0 : size));
  }
  if (Status s = Validate(spec); !s.ok()) return s;
  auto owned = std::make_unique<Instance>();
  Instance* vm = owned.get();
  vm->spec = spec;
  vm->status.id = spec.id;
  {
    std::lock_guard lock(mu_);
    if (vms_.count(spec.id)) return Status::AlreadyExists("VM " + spec.id + " exists");
    vms_[spec.id] = std::move(owned);
  }
  vm->status.accelerator = Accelerator(spec.kernel, spec.initrd, spec.instance_dir / "accel-probe");
  vm->parser = std::make_unique<ConsoleParser>([this, vm](const GuestEvent& e) {
    vm->events_seen++;
    std::lock_guard lock(mu_);
    if (e.event == "app-start" && !vm->app_started) {
      vm->app_started = true;
      if (vm->status.state == VmState::kStarting) vm->status.state = VmState::kRunning;
      vm->status.boot_time_us =
          std::chrono::duration_cast<std::chrono::microseconds>(clock_->Now() - vm->launched)
              .count();
      vm->status.reports_listening = e.watching.has_value();
    } else if (e.event == "template-ready" && vm->spec.make_template) {
      if (vm->status.state == VmState::kStarting) vm->status.state = VmState::kRunning;
    } else if (e.event == "listening" && e.port) {
      vm->status.listening_ports.insert(*e.port);
    } else if (e.event == "app-exit") {
      vm->app_exited = true;
      vm->status.exit_code = e.code;
    }
    changed_.notify_all();
  });
  Status s = Prepare(vm);
  if (s.ok()) {
    std::promise<Status> spawned;
    vm->launched = clock_->Now();
    vm->status.launched_at_ms = std::chrono::duration_cast<milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    vm->monitor = std::thread(&QemuVmm::Monitor, this, vm, &spawned);
    s = spawned.get_future().get();
    if (!s.ok()) vm->monitor.join();
  }
  if (s.ok() && vm->from_template) {
    s = AwaitTemplateRestore(spec.id);  // a failed restore is a failed launch: the caller boots
    if (!s.ok()) {
      (void)Kill(spec.id);
      (void)Release(spec.id);
      return s;
    }
  }
  if (!s.ok()) {
    for (const auto& [guest, host] : vm->status.host_ports) ports_->Release(host);
    std::error_code ec;
    std::filesystem::remove_all(spec.instance_dir / "launch", ec);
    std::lock_guard lock(mu_);
    vms_.erase(spec.id);
    return s;
  }
  return GetStatus(spec.id, status);
}

void QemuVmm::Monitor(Instance* vm, std::promise<Status>* spawned) {
  pid_t pid;
  Status s = Spawn({vm->argv, vm->spec.instance_dir, vm->qemu_log}, &pid);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    vm->status.pid = pid;
  }
  spawned->set_value(s);  // `spawned` is gone after this
  if (!s.ok()) return;
  int wait_status = 0;
  while (waitpid(pid, &wait_status, WNOHANG) != pid) {
    int seen = vm->events_seen;
    PollConsole(vm);
    if (vm->events_seen != seen) NotifyChange();  // the controller looks now, not at its poll
    bool restoring = vm->restoring;
    if (restoring) PollRestore(vm);
    Escalate(vm);
    // A restore is followed closely (a launch or a wake waits for it), and so is a guest whose
    // app has not started or whose ports do not all listen yet (a request may be waiting).
    bool awaited;
    {
      std::lock_guard lock(mu_);
      awaited =
          !vm->app_started || (vm->status.reports_listening &&
                               vm->status.listening_ports.size() < vm->spec.guest_ports.size());
    }
    std::this_thread::sleep_for(restoring ? milliseconds(2)
                                : awaited ? std::min(options_.poll_interval, milliseconds(5))
                                          : options_.poll_interval);
  }
  PollConsole(vm);
  Finish(vm, wait_status);
}

void QemuVmm::PollConsole(Instance* vm) {
  if (vm->console_fd < 0) {
    vm->console_fd = open(vm->console.c_str(), O_RDONLY | O_CLOEXEC);
    if (vm->console_fd < 0) return;
  }
  char buffer[16384];
  ssize_t n;
  while ((n = pread(vm->console_fd, buffer, sizeof(buffer), vm->console_offset)) > 0) {
    vm->console_offset += n;
    vm->parser->Feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

void QemuVmm::Escalate(Instance* vm) {
  bool quit = false, hard_kill = false;
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    TimePoint now = clock_->Now();
    pid = vm->status.pid;
    if (vm->quit_at && now >= *vm->quit_at) {
      vm->quit_at.reset();
      vm->kill_at = now + options_.quit_grace;
      vm->escalated = quit = true;
    } else if (vm->kill_at && now >= *vm->kill_at) {
      vm->kill_at.reset();
      hard_kill = true;
    }
  }
  if (quit && !QmpExecute(vm->qmp, "quit", milliseconds(1000)).ok()) hard_kill = true;
  if (hard_kill && pid > 0) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
  }
}

namespace {

std::string BootFailure(int wait_status, const std::filesystem::path& qemu_log) {
  std::string log, last;
  (void)store::ReadFile(qemu_log, &log);
  size_t pos = 0;
  for (size_t nl; pos < log.size(); pos = nl + 1) {
    nl = log.find('\n', pos);
    if (nl == std::string::npos) nl = log.size();
    std::string line = log.substr(pos, nl - pos);
    if (!line.empty() && line.find("warning:") == std::string::npos) last = line;
  }
  if (!last.empty()) return "boot-failed: " + last;
  if (WIFSIGNALED(wait_status)) {
    return "boot-failed: qemu killed by signal " + std::to_string(WTERMSIG(wait_status));
  }
  return "boot-failed: VM ended (qemu status " + std::to_string(WEXITSTATUS(wait_status)) +
         ") before the app started";
}

}  // namespace

void QemuVmm::Finish(Instance* vm, int wait_status) {
  std::lock_guard lock(mu_);
  std::string& reason = vm->status.stop_reason;
  // Checked in priority order; two branches give "killed" on purpose.
  if (vm->snapshot_saved) {
    reason = "snapshot";
  } else if (vm->kill_requested) {  // NOLINT(bugprone-branch-clone)
    reason = "killed";
  } else if (vm->app_exited) {
    reason = vm->stop_requested ? "stopped" : "app-exit";
  } else if (vm->stop_requested && !vm->app_started) {
    reason = "stopped";
  } else if (vm->escalated) {  // a graceful stop had to be forced
    reason = "killed";
  } else if (!vm->app_started) {
    reason = BootFailure(wait_status, vm->qemu_log);
  } else {
    reason = "crashed";
  }
  vm->status.state = VmState::kStopped;
  vm->status.pid = 0;
  for (const auto& [guest, host] : vm->status.host_ports) ports_->Release(host);
  std::error_code ec;
  std::filesystem::remove_all(vm->spec.instance_dir / "launch", ec);
  changed_.notify_all();
}

QemuVmm::Instance* QemuVmm::Find(const std::string& id) {
  auto it = vms_.find(id);
  return it == vms_.end() ? nullptr : it->second.get();
}

Status QemuVmm::Stop(const std::string& id) {
  std::filesystem::path qmp;
  {
    std::lock_guard lock(mu_);
    Instance* vm = Find(id);
    if (!vm) return Status::NotFound("no VM " + id);
    if (vm->status.state == VmState::kStopped || vm->stop_requested) return Status::Ok();
    vm->stop_requested = true;
    vm->status.state = VmState::kStopping;
    // Before app-start ukc-init does not watch the power button yet: stop at once.
    vm->quit_at = clock_->Now() + (vm->app_started ? vm->spec.stop_timeout + options_.stop_margin
                                                   : milliseconds(0));
    qmp = vm->qmp;
    changed_.notify_all();
    if (!vm->app_started) return Status::Ok();
  }
  if (!QmpExecute(qmp, "system_powerdown", milliseconds(2000)).ok()) {
    std::lock_guard lock(mu_);
    if (Instance* vm = Find(id)) vm->quit_at = clock_->Now();
  }
  return Status::Ok();
}

Status QemuVmm::Kill(const std::string& id) {
  pid_t pid;
  {
    std::lock_guard lock(mu_);
    Instance* vm = Find(id);
    if (!vm) return Status::NotFound("no VM " + id);
    if (vm->status.state == VmState::kStopped) return Status::Ok();
    vm->kill_requested = true;
    vm->status.state = VmState::kStopping;
    pid = vm->status.pid;
  }
  if (pid > 0) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
  }
  VmStatus status;
  return Wait(id, VmState::kStopped, std::chrono::steady_clock::now() + std::chrono::seconds(10),
              &status);
}

Status QemuVmm::GetStatus(const std::string& id, VmStatus* status) {
  std::lock_guard lock(mu_);
  Instance* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  *status = vm->status;
  return Status::Ok();
}

Status QemuVmm::Wait(const std::string& id, VmState target,
                     std::chrono::steady_clock::time_point deadline, VmStatus* status) {
  std::unique_lock lock(mu_);
  Instance* vm = Find(id);
  if (!vm) return Status::NotFound("no VM " + id);
  *status = vm->status;
  // Looked up afresh on every wake-up: another thread may Release the VM (once stopped) while the
  // lock is dropped, and its last status is then the answer.
  bool reached = changed_.wait_until(lock, deadline, [&] {
    if (Instance* now = Find(id)) {
      *status = now->status;
    } else {
      status->state = VmState::kStopped;
    }
    return status->state >= target;
  });
  if (!reached) {
    return Status::Unavailable(std::string("VM ") + id + " not " + VmStateName(target) +
                               " in time");
  }
  return Status::Ok();
}

Status QemuVmm::ReadConsole(const std::string& id, int64_t offset, int64_t limit, std::string* out,
                            int64_t* next_offset) {
  std::filesystem::path console;
  {
    std::lock_guard lock(mu_);
    Instance* vm = Find(id);
    if (!vm) return Status::NotFound("no VM " + id);
    console = vm->console;
  }
  out->clear();
  *next_offset = offset;
  int fd = open(console.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Ok();  // QEMU has not created it yet
  out->resize(static_cast<size_t>(std::clamp<int64_t>(limit, 0, 1 << 20)));
  ssize_t n = pread(fd, out->data(), out->size(), offset);
  close(fd);
  out->resize(n > 0 ? static_cast<size_t>(n) : 0);
  *next_offset = offset + static_cast<int64_t>(out->size());
  return Status::Ok();
}

Status QemuVmm::Release(const std::string& id) {
  std::unique_ptr<Instance> vm;
  {
    std::lock_guard lock(mu_);
    auto it = vms_.find(id);
    if (it == vms_.end()) return Status::NotFound("no VM " + id);
    if (it->second->status.state != VmState::kStopped) {
      return Status::InvalidArgument("VM " + id + " is still running");
    }
    vm = std::move(it->second);
    vms_.erase(it);
  }
  if (vm->monitor.joinable()) vm->monitor.join();
  if (vm->console_fd >= 0) close(vm->console_fd);
  return Status::Ok();
}

std::vector<std::string> QemuVmm::List() {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, vm] : vms_) ids.push_back(id);
  return ids;
}

}  // namespace ukc::vmm
