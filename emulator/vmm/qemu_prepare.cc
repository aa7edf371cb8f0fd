// QemuVmm launch preparation: Validate checks a LaunchSpec (kernel, initrd and the memory it
// needs, guest ports); Prepare turns it into the VM's files (console, QEMU log, QMP socket,
// launch parameters), host ports for its guest ports and the QEMU command line (qemu_argv), a
// restore included (`-incoming`, deferred when the RAM is in a shared file).
#include <sys/un.h>

#include <set>

#include "store/data_dir.h"
#include "vmm/launch_params.h"
#include "vmm/qemu_instance.h"
#include "vmm/qemu_vmm.h"

namespace ukc::vmm {

Status QemuVmm::Validate(const LaunchSpec& spec) {
  if (spec.id.empty()) return Status::InvalidArgument("VM id is empty");
  if (spec.instance_dir.empty()) return Status::InvalidArgument("no instance directory");
  if (spec.vcpus < 1 || spec.vcpus > 64) return Status::InvalidArgument("vcpus must be 1..64");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.kernel, ec)) {
    return Status::NotFound("kernel " + spec.kernel.string() + " not found");
  }
  if (spec.initrd.empty()) {
    return Status::InvalidArgument("image has no initrd (ukc-emu guests need ukc-init in one)");
  }
  if (Status s = CheckInitrd(spec.initrd); !s.ok()) return s;
  auto size = std::filesystem::file_size(spec.initrd, ec);
  int minimum = MinimumMemoryMb(ec ? 0 : size);
  if (spec.memory_mb < minimum) {
    return Status::InvalidArgument("memory " + std::to_string(spec.memory_mb) +
                                   " MB is below the minimum of " + std::to_string(minimum) +
                                   " MB for this image (kernel + " + std::to_string(size >> 10) +
                                   " KiB initrd)");
  }
  std::set<int> seen;
  for (int p : spec.guest_ports) {
    if (p < 1 || p > 65535) return Status::InvalidArgument("bad guest port " + std::to_string(p));
    if (!seen.insert(p).second) {
      return Status::InvalidArgument("guest port " + std::to_string(p) + " given twice");
    }
  }
  return Status::Ok();
}

Status QemuVmm::Prepare(Instance* vm) {
  const LaunchSpec& spec = vm->spec;
  std::error_code ec;
  std::filesystem::create_directories(spec.instance_dir, ec);
  if (ec) return Status::IoError("cannot create " + spec.instance_dir.string());
  vm->console = spec.instance_dir / "console.log";
  vm->qemu_log = spec.instance_dir / "qemu.log";
  vm->qmp = spec.instance_dir / "qmp.sock";
  for (const auto& f : {vm->console, vm->qemu_log, vm->qmp}) std::filesystem::remove(f, ec);
  std::vector<FwCfgFile> launch_files;
  if (spec.make_template) {  // no launch yet: ukc-init waits for one after the snapshot
    auto marker = spec.instance_dir / "launch" / "template";
    std::filesystem::create_directories(marker.parent_path(), ec);
    if (Status s = store::WriteFileAtomically(marker, "1\n"); !s.ok()) return s;
    launch_files.push_back({"opt/ukc/template", marker});
  } else if (Status s = WriteLaunchFiles(spec, spec.instance_dir / "launch", &launch_files);
             !s.ok()) {
    return s;
  }
  for (int guest_port : spec.guest_ports) {
    int host_port;
    if (Status s = ports_->Allocate(&host_port); !s.ok()) return s;
    vm->status.host_ports[guest_port] = host_port;
  }
  QemuConfig config = options_.qemu;
  config.accel = vm->status.accelerator;
  // QEMU runs in the instance dir, so a socket path too long for sun_path can be relative.
  std::string qmp = vm->qmp.string();
  if (qmp.size() >= sizeof(sockaddr_un::sun_path)) qmp = "qmp.sock";
  QemuGuest guest{std::filesystem::absolute(spec.kernel).string(),
                  std::filesystem::absolute(spec.initrd).string(),
                  std::filesystem::absolute(vm->console).string(),
                  qmp,
                  spec.memory_mb,
                  spec.vcpus,
                  vm->status.host_ports,
                  {},
                  {},
                  {}};
  for (const auto& f : launch_files) {
    guest.fw_cfg.emplace_back(f.name, std::filesystem::absolute(f.path).string());
  }
  if (!spec.template_key.empty()) {
    if (Status s = PrepareTemplateRestore(vm, &guest); !s.ok()) return s;
  } else if (!spec.restore_from.empty()) {
    if (!std::filesystem::is_regular_file(spec.restore_from, ec)) {
      return Status::NotFound("snapshot " + spec.restore_from.string() + " not found");
    }
    vm->restoring = true;
    guest.incoming = "exec:cat '" + std::filesystem::absolute(spec.restore_from).string() + "'";
    if (!spec.shared_memory.empty()) {
      // x-ignore-shared must be set on this side too before the migration starts.
      if (!std::filesystem::is_regular_file(spec.shared_memory, ec)) {
        return Status::NotFound("guest memory " + spec.shared_memory.string() + " not found");
      }
      vm->incoming_uri = guest.incoming;
      guest.incoming = "defer";
    }
  }
  if (!spec.shared_memory.empty() && spec.template_key.empty()) {
    guest.memory_file = std::filesystem::absolute(spec.shared_memory).string();
  }
  vm->argv = BuildQemuArgv(config, guest);
  return Status::Ok();
}

}  // namespace ukc::vmm
