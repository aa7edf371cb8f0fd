// QemuVmm's per-VM record, shared by qemu_vmm.cc (launch, monitor, stop) and qemu_snapshot.cc
// (save and resume). Fields are guarded by QemuVmm::mu_ unless noted.
#pragma once

#include <memory>
#include <optional>
#include <thread>

#include "vmm/console_parser.h"
#include "vmm/qemu_vmm.h"

namespace ukc::vmm {

struct QemuVmm::Instance {
  LaunchSpec spec;
  VmStatus status;
  std::vector<std::string> argv;
  std::filesystem::path console, qemu_log, qmp;
  Clock::TimePoint launched;
  std::thread monitor;
  std::unique_ptr<ConsoleParser> parser;
  int console_fd = -1;
  int64_t console_offset = 0;
  int events_seen = 0;  // console events parsed so far (monitor thread)
  bool app_started = false, app_exited = false, stop_requested = false, kill_requested = false,
       escalated = false;
  bool restoring = false;       // resuming from a snapshot: running once QEMU says so
  bool from_template = false;   // restoring a template: running at app-start, as a boot
  std::string incoming_uri;     // shared RAM: started with -incoming defer; PollRestore begins it
  bool snapshotting = false;    // Snapshot in progress
  bool snapshot_saved = false;  // Snapshot wrote the file; the VM ends as "snapshot"
  std::optional<Clock::TimePoint> quit_at, kill_at;
};

}  // namespace ukc::vmm
