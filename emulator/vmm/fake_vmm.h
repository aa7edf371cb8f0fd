// FakeVmm: a deterministic in-memory Vmm for controller tests. Each VM follows a script (per id,
// else the default): running `boot_delay` after Launch (its console gets `console`), then
// optionally exits by itself after `exit_after`; Stop takes `stop_delay`. Time comes from the
// injected Clock; with a ManualClock, Wait advances the clock instead of sleeping. Like QemuVmm,
// the console also goes to <instance_dir>/console.log when the spec names an instance_dir.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "vmm/clock.h"
#include "vmm/port_allocator.h"
#include "vmm/vmm.h"

namespace ukc::vmm {

struct FakeScript {
  std::chrono::milliseconds boot_delay{100};
  std::optional<std::chrono::milliseconds> exit_after;  // measured from app start
  int exit_code = 0;                                    // when the app exits by itself
  int stop_exit_code = 0;                               // reported after a graceful Stop
  std::chrono::milliseconds stop_delay{50};
  std::chrono::milliseconds restore_delay{10};  // LaunchSpec::restore_from: running after this
  std::string console;                          // app output, appears at app start
  Status launch_error;                          // returned by Launch when not ok
  std::string boot_failure;  // non-empty: the VM stops at boot_delay with "boot-failed: …"
  // After app start the guest reports its ports listening after this (nullopt: never listens).
  // A restored VM listens at once.
  std::optional<std::chrono::milliseconds> listen_after = std::chrono::milliseconds(0);
  bool reports_listening = true;  // false: like a guest without ukc-init's reports
};

class FakeVmm : public Vmm {
 public:
  FakeVmm(Clock* clock, PortAllocator* ports) : clock_(clock), ports_(ports) {}

  void SetDefaultScript(FakeScript script);
  void SetScript(const std::string& id, FakeScript script);
  std::vector<LaunchSpec> launched();  // every accepted spec, in order

  Status Launch(const LaunchSpec& spec, VmStatus* status) override;
  Status Stop(const std::string& id) override;
  Status Kill(const std::string& id) override;
  // Writes a small file naming the VM and ends it ("snapshot"); restoring needs the file.
  Status Snapshot(const std::string& id, const std::filesystem::path& path) override;
  Status GetStatus(const std::string& id, VmStatus* status) override;
  Status Wait(const std::string& id, VmState target, std::chrono::steady_clock::time_point deadline,
              VmStatus* status) override;
  Status ReadConsole(const std::string& id, int64_t offset, int64_t limit, std::string* out,
                     int64_t* next_offset) override;
  Status Release(const std::string& id) override;
  std::vector<std::string> List() override;
  // Templates are remembered by request (kernel, layers, memory, vCPUs) once built; a launch
  // from one behaves as a boot of the default script (template_failure: it fails instead).
  bool FindTemplate(const TemplateRequest& request, std::string* key) override;
  Status BuildTemplate(const TemplateRequest& request) override;
  void DropTemplate(const std::string& key) override;
  int templates_built();
  Status template_failure;  // returned by a Launch from a template when not ok

 private:
  struct Vm {
    FakeScript script;
    VmStatus status;
    std::string console;
    std::filesystem::path console_file;  // <instance_dir>/console.log, as QemuVmm writes it
    bool restored = false;               // resumed from a snapshot: no console output at app start
    Clock::TimePoint launched, running_at, stop_at;
  };
  void Refresh(Vm* vm, Clock::TimePoint now);  // applies every scripted event due by `now`
  void End(Vm* vm, std::string reason, std::optional<int> code);
  Vm* Find(const std::string& id);

  Clock* clock_;
  PortAllocator* ports_;
  std::mutex mu_;
  FakeScript default_script_;
  std::map<std::string, FakeScript> scripts_;
  std::map<std::string, Vm> vms_;
  std::vector<LaunchSpec> launched_;
  std::set<std::string> templates_;
  int templates_built_ = 0;
};

}  // namespace ukc::vmm
