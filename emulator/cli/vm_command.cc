// `ukc-emu vm run IMAGE [-p PORT]… [-e K=V]… [-m MB] [--vcpus N] [-- ARGS…]`: boots an image
// from the local registry in the foreground through QemuVmm, prints `port G -> 127.0.0.1:H`
// and the accelerator, streams the console to stdout and exits with the app's exit code.
// SIGINT/SIGTERM stop the VM gracefully (a second one kills it). With --snapshot-to FILE, SIGUSR1
// saves the running VM to FILE and ends it; --restore FILE resumes such a snapshot instead of
// booting (same image, memory and vcpus).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "registry/registry_store.h"
#include "runtime/runtime_builder.h"
#include "store/data_dir.h"
#include "store/database.h"
#include "vmm/image_loader.h"
#include "vmm/qemu_vmm.h"

namespace ukc::cli {
namespace {

struct VmRunOptions {
  std::string image;
  std::vector<int> ports;
  std::vector<std::string> env, args;
  int memory_mb = 128, vcpus = 1;
  int stop_timeout_ms = 5000;
  std::string data_dir;  // `vm run --data-dir`, else the global flag
  std::string snapshot_to, restore_from;
};

Status LoadImage(const store::DataDir& data_dir, const std::string& image,
                 vmm::LoadedImage* loaded) {
  std::string repository, reference;
  if (Status s = vmm::ParseImageReference(image, &repository, &reference); !s.ok()) return s;
  if (Status s = data_dir.Create(); !s.ok()) return s;
  std::unique_ptr<store::Database> db;
  if (Status s = store::Database::Open(data_dir.database().string(), &db); !s.ok()) return s;
  registry::RegistryStore store(data_dir, db.get());
  if (Status s = store.Open(); !s.ok()) return s;
  vmm::ImageLoader loader(&store, data_dir.root() / "vmm" / "images");
  return loader.Load(repository, reference, loaded);
}

// Streams new console bytes to stdout; returns the new offset.
int64_t Pump(vmm::Vmm& vmm, const std::string& id, int64_t offset) {
  std::string chunk;
  int64_t next = offset;
  while (vmm.ReadConsole(id, next, 1 << 16, &chunk, &next).ok() && !chunk.empty()) {
    std::cout << chunk << std::flush;
  }
  return next;
}

// Waits for the VM to stop, turning SIGINT/SIGTERM (blocked in this thread) into Stop, and a
// second one into Kill. Signals within a second of the first count once: `timeout` and shells
// deliver one interrupt both to the process and to its group.
void Supervise(vmm::Vmm& vmm, const std::string& id, const sigset_t& signals,
               const std::string& snapshot_to) {
  int64_t offset = 0;
  int received = 0;
  auto first_signal = std::chrono::steady_clock::now();
  vmm::VmStatus status;
  const timespec tick{0, 50'000'000};
  while (vmm.GetStatus(id, &status).ok() && status.state != vmm::VmState::kStopped) {
    offset = Pump(vmm, id, offset);
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig <= 0) continue;
    if (sig == SIGUSR1) {
      if (snapshot_to.empty()) continue;
      Status s = vmm.Snapshot(id, snapshot_to);
      std::cerr << "vm: snapshot " << (s.ok() ? "saved to " + snapshot_to : s.message()) << "\n";
      continue;
    }
    if (received > 0 && std::chrono::steady_clock::now() - first_signal < std::chrono::seconds(1)) {
      continue;
    }
    if (++received == 1) {
      first_signal = std::chrono::steady_clock::now();
      std::cerr << "vm: " << strsignal(sig) << ", stopping (again to kill)\n";
      (void)vmm.Stop(id);
    } else {
      (void)vmm.Kill(id);
    }
  }
  Pump(vmm, id, offset);
}

int RunVm(const std::string& data_dir_flag, const VmRunOptions& o) {
  store::DataDir data_dir(data_dir_flag.empty() ? store::DataDir::DefaultRoot()
                                                : std::filesystem::path(data_dir_flag));
  vmm::LoadedImage image;
  if (Status s = LoadImage(data_dir, o.image, &image); !s.ok()) {
    std::cerr << "ukc-emu: " << s.message() << "\n";
    return 1;
  }
  vmm::LaunchSpec spec;
  spec.id = "run-" + std::to_string(getpid());
  spec.kernel = image.kernel;
  spec.initrd = image.initrd;
  spec.argv = o.args.empty() ? image.cmd : o.args;
  spec.env = image.env;
  spec.env.insert(spec.env.end(), o.env.begin(), o.env.end());
  spec.cwd = image.working_dir;
  spec.memory_mb = o.memory_mb;
  spec.vcpus = o.vcpus;
  spec.guest_ports = o.ports;
  spec.stop_timeout = std::chrono::milliseconds(o.stop_timeout_ms);
  spec.instance_dir = data_dir.root() / "vmm" / "instances" / spec.id;
  spec.restore_from = o.restore_from;

  sigset_t signals;  // blocked before any thread starts; QEMU children unblock them
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto options = vmm::QemuVmmOptionsFromEnv();
  options.accel_cache = runtime::AccelCacheFile();
  vmm::LoopbackPortAllocator ports;
  vmm::SystemClock clock;
  vmm::QemuVmm qemu(options, &ports, &clock);
  vmm::VmStatus status;
  std::error_code ec;
  if (Status s = qemu.Launch(spec, &status); !s.ok()) {
    std::cerr << "ukc-emu: " << s.message() << "\n";
    std::filesystem::remove_all(spec.instance_dir, ec);
    return 1;
  }
  std::cout << "accelerator " << status.accelerator << "\n";
  for (const auto& [guest, host] : status.host_ports) {
    std::cout << "port " << guest << " -> 127.0.0.1:" << host << "\n";
  }
  std::cout << std::flush;
  Supervise(qemu, spec.id, signals, o.snapshot_to);
  (void)qemu.GetStatus(spec.id, &status);
  std::cerr << "vm: stopped (" << status.stop_reason << ")";
  if (status.exit_code) std::cerr << ", exit code " << *status.exit_code;
  if (status.boot_time_us) std::cerr << ", boot_time_us " << status.boot_time_us;
  std::cerr << "\n";
  std::filesystem::remove_all(spec.instance_dir, ec);
  if (status.exit_code) return *status.exit_code;
  if (status.stop_reason == "snapshot") return 0;
  return status.stop_reason.starts_with("boot-failed") ? 1 : 137;
}

}  // namespace

void AddVmCommands(CLI::App& app, const std::string* data_dir, int* exit_code,
                   const std::vector<std::string>* trailing_args) {
  auto* vm = app.add_subcommand("vm", "run VMs directly (debugging, tests)");
  vm->require_subcommand(1);
  auto options = std::make_shared<VmRunOptions>();
  auto* run = vm->add_subcommand("run", "boot IMAGE in the foreground; exit with the app's code");
  run->add_option("image", options->image, "local/app:latest, official/base:latest, repo@sha256:…")
      ->required();
  run->add_option("-p,--port", options->ports, "guest TCP port to forward (repeatable)");
  run->add_option("-e,--env", options->env, "KEY=VALUE added to the image's Env (repeatable)");
  run->add_option("-m,--memory", options->memory_mb, "memory in MB")->capture_default_str();
  run->add_option("--vcpus", options->vcpus, "virtual CPUs")->capture_default_str();
  run->add_option("--stop-timeout-ms", options->stop_timeout_ms,
                  "grace between SIGTERM and SIGKILL in the guest")
      ->capture_default_str();
  run->add_option("--data-dir", options->data_dir, "data directory (as the global flag)");
  run->add_option("--snapshot-to", options->snapshot_to,
                  "on SIGUSR1, save the running VM to this file and end it");
  run->add_option("--restore", options->restore_from,
                  "resume a --snapshot-to file instead of booting");
  run->add_option("args", options->args, "replaces the image's Cmd (after --)");
  run->callback([=] {
    if (!trailing_args->empty()) options->args = *trailing_args;
    *exit_code = RunVm(options->data_dir.empty() ? *data_dir : options->data_dir, *options);
  });
}

}  // namespace ukc::cli
