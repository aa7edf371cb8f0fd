// The VMM seam: boots, stops and observes guest VMs by id. QemuVmm runs real QEMU processes,
// FakeVmm is an in-memory script for controller unit tests. All methods are thread-safe.
// Lifecycle: Launch → kStarting → kRunning (app-start seen) → kStopping (Stop) → kStopped.
// Templates: a kernel + runtime booted once up to ukc-init's template-ready and saved; a launch
// that names one restores it (RAM mapped copy-on-write, so one template serves any number of VMs)
// and hands the guest its launch parameters and app files, instead of booting.
// A stopped VM keeps its status and console until Release(id); ids must be unique meanwhile.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"

namespace ukc::vmm {

struct LaunchSpec {
  std::string id;  // caller-chosen, unique among VMs not yet released
  std::filesystem::path kernel, initrd;
  std::vector<std::string> argv;  // app argv; argv[0] without '/' is looked up in PATH
  std::vector<std::string> env;   // KEY=VALUE, applied over the guest's defaults
  std::string cwd;                // empty: "/"
  int memory_mb = 128;
  // Below the image's minimum (ukc-emu's Linux guests unpack their initrd into RAM, which a real
  // unikernel does not), boot with the minimum instead of refusing. Platform instances set it.
  bool grow_memory_to_fit = false;
  int vcpus = 1;
  std::vector<int> guest_ports;                  // TCP ports forwarded from 127.0.0.1:<ephemeral>
  std::chrono::milliseconds stop_timeout{5000};  // SIGTERM → SIGKILL grace inside the guest
  std::filesystem::path instance_dir;            // created; holds console.log, qmp.sock, …
  // Resume from a Snapshot file instead of booting: the same kernel, initrd, memory and vcpus
  // as when it was taken; guest ports get fresh host ports. The VM is kRunning once resumed.
  std::filesystem::path restore_from;
  // Guest RAM in this file (best on a RAM filesystem such as /dev/shm), shared with QEMU. A
  // Snapshot then saves only the device state (the file is the RAM), and a restore maps the file
  // instead of loading it — and consumes it: the resumed guest writes to it. A restore must name
  // the file its snapshot was taken with. Empty: ordinary guest RAM.
  std::filesystem::path shared_memory;
  // Boot the kernel + initrd as a template: no app; the VM is kRunning once ukc-init reports
  // template-ready. Needs shared_memory (the template's RAM).
  bool make_template = false;
  // Restore this template (a key FindTemplate gave) instead of booting `initrd`; the guest gets
  // the launch parameters, fresh entropy, the wall clock and `app_layer` (a newc cpio overlaid on
  // the template's files; empty: none) and starts the app. kRunning at app-start, as a boot.
  // memory_mb and vcpus must be the template's.
  std::string template_key;
  std::filesystem::path app_layer;
};

// What a template is made of: a kernel, the initrd layers every instance shares (`initrd`, their
// concatenation; `layer_keys`, their digests) and the memory and vCPUs of its VMs.
struct TemplateRequest {
  std::filesystem::path kernel, initrd;
  std::vector<std::string> layer_keys;
  int memory_mb = 128, vcpus = 1;
};

enum class VmState { kStarting, kRunning, kStopping, kStopped };
const char* VmStateName(VmState state);

struct VmStatus {
  std::string id;
  VmState state = VmState::kStarting;
  std::map<int, int> host_ports;  // guest port → host port on 127.0.0.1
  // Whether the guest reports when its app listens on the guest ports (ukc-init watches them),
  // and the ports it has reported so far. A guest that does not report must be probed.
  bool reports_listening = false;
  std::set<int> listening_ports;
  std::optional<int> exit_code;  // the app's, from the guest's app-exit report
  // Set when stopped: "app-exit" (app ended by itself), "stopped" (Stop, guest powered off),
  // "killed" (Kill, or Stop had to escalate), "crashed" (VM ended without an app-exit report),
  // "boot-failed: <why>" (VM ended before the app started, e.g. QEMU refused its arguments),
  // "snapshot" (Snapshot saved it and ended it).
  std::string stop_reason;
  int64_t boot_time_us = 0;    // Launch → app-start; 0 until known
  int64_t launched_at_ms = 0;  // unix time of Launch
  pid_t pid = 0;               // 0 for fakes / after reaping
  std::string accelerator;     // "kvm" | "tcg" | "fake"
};

class Vmm {
 public:
  virtual ~Vmm() = default;
  // Validates `spec`, starts the VM and returns once its process runs (state kStarting).
  // InvalidArgument (bad spec, memory below the minimum), NotFound (kernel/initrd/QEMU),
  // AlreadyExists (id in use), Corruption (unusable initrd). On error nothing is left running.
  virtual Status Launch(const LaunchSpec& spec, VmStatus* status) = 0;
  // Begins a graceful stop (ACPI power button → app gets SIGTERM); escalates to a hard stop
  // after stop_timeout + a margin. Returns at once; use Wait. No-op when already stopped.
  virtual Status Stop(const std::string& id) = 0;
  // Hard stop; returns once the VM is gone.
  virtual Status Kill(const std::string& id) = 0;
  // Pauses a running VM, saves its whole state (RAM, devices) to `path` (written to a temp file,
  // renamed when complete) and ends it (stop_reason "snapshot"). Blocks until done.
  // InvalidArgument when the VM is not running; on failure the VM keeps running.
  virtual Status Snapshot(const std::string& id, const std::filesystem::path& path) = 0;
  virtual Status GetStatus(const std::string& id, VmStatus* status) = 0;
  // Blocks until the VM reaches `target` (or a later state) or `deadline` passes; fills
  // `status` either way. Unavailable on timeout. A VM released by another thread meanwhile has
  // stopped.
  virtual Status Wait(const std::string& id, VmState target,
                      std::chrono::steady_clock::time_point deadline, VmStatus* status) = 0;
  // Console bytes [offset, offset+limit); `*next_offset` is where the next read starts.
  virtual Status ReadConsole(const std::string& id, int64_t offset, int64_t limit, std::string* out,
                             int64_t* next_offset) = 0;
  // Forgets a stopped VM (frees its ports; its instance_dir is left to the caller).
  virtual Status Release(const std::string& id) = 0;
  virtual std::vector<std::string> List() = 0;
  // Whether a template for `request` is ready (its key in `*key`, for LaunchSpec::template_key).
  virtual bool FindTemplate(const TemplateRequest& request, std::string* key) = 0;
  // Boots and saves a template for `request` (blocking; seconds under TCG). Ok when one exists.
  virtual Status BuildTemplate(const TemplateRequest& request) = 0;
  // Forgets a template that failed to restore (the next BuildTemplate makes it again).
  virtual void DropTemplate(const std::string& key) = 0;

  // Called (from a VMM thread, with no VMM lock held; it must not block) when a VM's guest
  // reported something (app start, a port listening, app exit), so a poller can look at once.
  // Empty: none (its owner clears it before it goes away).
  void SetChangeListener(std::function<void()> listener) {
    std::lock_guard lock(listener_mu_);
    change_listener_ = std::move(listener);
  }

 protected:
  void NotifyChange() const {
    std::lock_guard lock(listener_mu_);
    if (change_listener_) change_listener_();
  }

 private:
  mutable std::mutex listener_mu_;
  std::function<void()> change_listener_;
};

}  // namespace ukc::vmm
