#include "vmm/accel_probe.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <thread>

#include "store/data_dir.h"
#include "vmm/launch_params.h"
#include "vmm/process.h"

namespace ukc::vmm {
namespace {

// The QEMU build: the binary's resolved path, size and modification time.
std::string QemuBuild(const std::string& binary) {
  std::string path = binary;
  if (path.find('/') == std::string::npos) {  // looked up in PATH, as Spawn does
    const char* env = std::getenv("PATH");
    std::string dirs = env ? env : "/usr/bin:/bin";
    for (size_t start = 0; start <= dirs.size();) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      std::string candidate = dirs.substr(start, end - start) + "/" + binary;
      if (access(candidate.c_str(), X_OK) == 0) {
        path = candidate;
        break;
      }
      start = end + 1;
    }
  }
  std::error_code ec;
  auto resolved = std::filesystem::canonical(path, ec);
  if (ec) return binary;
  struct stat st {};
  if (stat(resolved.c_str(), &st) != 0) return resolved.string();
  return resolved.string() + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtime);
}

}  // namespace

std::string AccelCacheKey(const QemuConfig& config) {
  std::string boot_id;
  (void)store::ReadFile("/proc/sys/kernel/random/boot_id", &boot_id);
  while (!boot_id.empty() && boot_id.back() == '\n') boot_id.pop_back();
  return boot_id + " " + QemuBuild(config.binary) + " " + config.machine;
}

bool KvmFailureLogged(const std::string& qemu_log) {
  size_t pos = 0;
  while (pos < qemu_log.size()) {
    size_t nl = qemu_log.find('\n', pos);
    if (nl == std::string::npos) nl = qemu_log.size();
    std::string line = qemu_log.substr(pos, nl - pos);
    pos = nl + 1;
    std::string lower;
    for (char c : line) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("warning:") != std::string::npos || lower.find("kvm") == std::string::npos) {
      continue;
    }
    for (const char* word : {"error", "fail", "could not", "cannot", "not supported", "abort"}) {
      if (lower.find(word) != std::string::npos) return true;
    }
  }
  return false;
}

namespace {

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
  // Done as soon as the guest reports (no need to wait for its power-off), or QEMU logs a KVM
  // error, or QEMU ends; a guest that hangs is given `timeout`.
  auto deadline = std::chrono::steady_clock::now() + r.timeout;
  bool exited = false, booted = false, failed = false;
  while (!exited && !booted && !failed && std::chrono::steady_clock::now() < deadline) {
    exited = waitpid(pid, nullptr, WNOHANG) == pid;
    std::string log;
    (void)store::ReadFile(console, &log);
    booted = log.find("\"event\":\"app-exit\",\"code\":127") != std::string::npos;
    (void)store::ReadFile(r.work_dir / "probe.qemu.log", &log);
    failed = KvmFailureLogged(log);
    if (!exited && !booted && !failed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!exited) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  return booted;
}

}  // namespace

std::string ProbeAccelerator(const ProbeRequest& request) {
  std::string key = AccelCacheKey(request.config), cached;
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
