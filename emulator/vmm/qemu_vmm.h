// QemuVmm: each VM is one qemu-system-x86_64 child (argv from qemu_argv.h), launch parameters
// appended to a per-instance copy of the initrd (launch_params.h), serial console in
// <instance_dir>/console.log, QMP at <instance_dir>/qmp.sock. One monitor thread per VM spawns
// QEMU (so PR_SET_PDEATHSIG ties QEMU to it), tails the console for ukc-init events, reaps the
// process and escalates stops: system_powerdown → (stop_timeout + margin) → quit → SIGKILL.
// The destructor kills whatever still runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "vmm/clock.h"
#include "vmm/port_allocator.h"
#include "vmm/qemu_argv.h"
#include "vmm/template_store.h"
#include "vmm/vmm.h"

namespace ukc::vmm {

struct QemuVmmOptions {
  QemuConfig qemu;                    // qemu.accel: "auto" (probe on first Launch), "kvm" or "tcg"
  std::filesystem::path accel_cache;  // probe result cache file; empty: per process only
  std::chrono::milliseconds stop_margin{3000};  // beyond stop_timeout before QMP quit
  std::chrono::milliseconds quit_grace{2000};   // after QMP quit before SIGKILL
  std::chrono::milliseconds poll_interval{20};
  std::filesystem::path templates_dir;  // TemplateStore's; empty: no templates
};

// Options from the environment: UKC_QEMU (binary), UKC_MACHINE (microvm|q35),
// UKC_ACCEL (auto|kvm|tcg); qboot and the host TSC rate as in runtimes/qemu-cmdline.sh.
QemuVmmOptions QemuVmmOptionsFromEnv();

class QemuVmm : public Vmm {
 public:
  QemuVmm(QemuVmmOptions options, PortAllocator* ports, Clock* clock);
  ~QemuVmm() override;

  Status Launch(const LaunchSpec& requested, VmStatus* status) override;
  Status Stop(const std::string& id) override;
  Status Kill(const std::string& id) override;
  Status Snapshot(const std::string& id, const std::filesystem::path& path) override;
  Status GetStatus(const std::string& id, VmStatus* status) override;
  Status Wait(const std::string& id, VmState target, std::chrono::steady_clock::time_point deadline,
              VmStatus* status) override;
  Status ReadConsole(const std::string& id, int64_t offset, int64_t limit, std::string* out,
                     int64_t* next_offset) override;
  Status Release(const std::string& id) override;
  std::vector<std::string> List() override;
  // qemu_template.cc: templates in options.templates_dir (none when it is empty).
  bool FindTemplate(const TemplateRequest& request, std::string* key) override;
  Status BuildTemplate(const TemplateRequest& request) override;
  void DropTemplate(const std::string& key) override;

  // Resolves "auto" once per QemuVmm by booting `kernel` + `initrd` under KVM; "kvm" | "tcg".
  std::string Accelerator(const std::filesystem::path& kernel, const std::filesystem::path& initrd,
                          const std::filesystem::path& work_dir);

 private:
  struct Instance;
  Status Validate(const LaunchSpec& spec);
  Status Prepare(Instance* vm);
  void Monitor(Instance* vm, std::promise<Status>* spawned);
  void PollConsole(Instance* vm);
  void PollRestore(Instance* vm);  // qemu_snapshot.cc
  void Escalate(Instance* vm);
  // A template restore has either resumed the guest or failed (qemu_template.cc).
  Status AwaitTemplateRestore(const std::string& id);
  // Fills the template side of `guest` for a launch from spec.template_key (qemu_template.cc).
  Status PrepareTemplateRestore(Instance* vm, QemuGuest* guest);
  std::string TemplateKeyFor(const TemplateRequest& request);
  void Finish(Instance* vm, int wait_status);
  Instance* Find(const std::string& id);  // mu_ held

  QemuVmmOptions options_;
  PortAllocator* ports_;
  Clock* clock_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::unique_ptr<Instance>> vms_;
  std::once_flag accel_once_;
  std::string accel_;
  TemplateStore templates_;
  std::atomic<int> template_builds_{0};
};

}  // namespace ukc::vmm
