#include "vmm/accel_probe.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "store/data_dir.h"
#include "vmm/launch_params.h"
#include "vmm/process.h"

namespace ukc::vmm {
namespace {

std::string CacheKey(const QemuConfig& config) {
  std::string boot_id;
  (void)store::ReadFile("/proc/sys/kernel/random/boot_id", &boot_id);
  while (!boot_id.empty() && boot_id.back() == '\n') boot_id.pop_back();
  return boot_id + " " + config.binary + " " + config.machine;
}

bool ProbeBoots(const ProbeRequest& r) {
  if (access("/dev/kvm", R_OK | W_OK) != 0) return false;
  std::error_code ec;
  std::filesystem::create_directories(r.work_dir, ec);
  // No launch parameters: ukc-init finds no argv, reports code 127 and powers off.
  auto console = r.work_dir / "probe.console.log";
  std::filesystem::remove(console, ec);
  QemuConfig config = r.config;
  config.accel = "kvm";
  QemuGuest guest{r.kernel.string(), r.initrd.string(), console.string(), "", 128, 1, {}, {}, {}};
  pid_t pid;
  if (!Spawn({BuildQemuArgv(config, guest), r.work_dir, r.work_dir / "probe.qemu.log"}, &pid)
           .ok()) {
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + r.timeout;
  bool exited = false;
  while (!exited && std::chrono::steady_clock::now() < deadline) {
    exited = waitpid(pid, nullptr, WNOHANG) == pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!exited) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  std::string log;
  (void)store::ReadFile(console, &log);
  return log.find("\"event\":\"app-exit\",\"code\":127") != std::string::npos;
}

}  // namespace

std::string ProbeAccelerator(const ProbeRequest& request) {
  std::string key = CacheKey(request.config), cached;
  if (!request.cache_file.empty() && store::ReadFile(request.cache_file, &cached).ok()) {
    auto nl = cached.find('\n');
    if (nl != std::string::npos && cached.substr(nl + 1) == key) return cached.substr(0, nl);
  }
  std::string accel = ProbeBoots(request) ? "kvm" : "tcg";
  if (!request.cache_file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(request.cache_file.parent_path(), ec);
    (void)store::WriteFileAtomically(request.cache_file, accel + "\n" + key);
  }
  return accel;
}

}  // namespace ukc::vmm
