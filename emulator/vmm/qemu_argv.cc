#include "vmm/qemu_argv.h"

#include <cstdlib>
#include <sstream>

namespace ukc::vmm {

std::string KernelCmdline(const QemuConfig& config) {
  std::string cmdline =
      "console=ttyS0 quiet panic=-1 reboot=t tsc=reliable no_timer_check 8250.nr_uarts=1 "
      "i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd cryptomgr.notests random.trust_cpu=on "
      "init_on_alloc=0 rcupdate.rcu_expedited=1";
  if (config.machine == "microvm") {
    cmdline += " pci=off";
    if (config.accel == "tcg" && config.tsc_khz > 0) {
      cmdline += " tsc_early_khz=" + std::to_string(config.tsc_khz);
    }
  }
  if (!config.extra_append.empty()) cmdline += " " + config.extra_append;
  return cmdline;
}

std::vector<std::string> BuildQemuArgv(const QemuConfig& config, const QemuGuest& guest) {
  std::vector<std::string> a = {config.binary, "-nodefaults", "-no-user-config",
                                "-display",    "none",        "-no-reboot"};
  if (config.accel == "kvm") {
    a.insert(a.end(), {"-accel", "kvm", "-cpu", "host"});
  } else {
    a.insert(a.end(), {"-accel", "tcg", "-cpu", "max"});
  }
  std::string backend;  // machine option naming a shared RAM backend
  if (!guest.memory_file.empty()) {
    std::string path;  // QEMU option syntax: a literal ',' is written ',,'
    for (char c : guest.memory_file) path.append(c == ',' ? 2 : 1, c);
    a.insert(a.end(), {"-object", "memory-backend-file,id=ram0,size=" +
                                      std::to_string(guest.memory_mb) + "M,mem-path=" + path +
                                      (guest.memory_shared ? ",share=on" : ",share=off")});
    backend = ",memory-backend=ram0";
  }
  std::string netdev = "user,id=net0";
  for (const auto& [guest_port, host_port] : guest.host_ports) {
    netdev +=
        ",hostfwd=tcp:127.0.0.1:" + std::to_string(host_port) + "-:" + std::to_string(guest_port);
  }
  if (config.machine == "q35") {
    a.insert(a.end(), {"-M", "q35" + backend, "-netdev", netdev, "-device",
                       "virtio-net-pci,netdev=net0,romfile="});
  } else {
    a.insert(a.end(),
             {"-M", "microvm,pit=on,pic=on,rtc=on,isa-serial=on,acpi=on,pcie=off" + backend});
    if (!config.bios.empty()) a.insert(a.end(), {"-bios", config.bios.string()});
    a.insert(a.end(), {"-netdev", netdev, "-device", "virtio-net-device,netdev=net0"});
  }
  a.insert(a.end(), {"-m", std::to_string(guest.memory_mb), "-smp", std::to_string(guest.vcpus),
                     "-kernel", guest.kernel, "-initrd", guest.initrd, "-append",
                     KernelCmdline(config), "-serial", "file:" + guest.console});
  if (!guest.qmp.empty()) a.insert(a.end(), {"-qmp", "unix:" + guest.qmp + ",server=on,wait=off"});
  for (const auto& [name, file] : guest.fw_cfg) {
    std::string escaped;  // QEMU option syntax: a literal ',' is written ',,'
    for (char c : file) escaped.append(c == ',' ? 2 : 1, c);
    a.insert(a.end(), {"-fw_cfg", "name=" + name + ",file=" + escaped});
  }
  if (!guest.incoming.empty()) a.insert(a.end(), {"-incoming", guest.incoming});
  return a;
}

int64_t TscKhzFromCpuinfo(std::string_view cpuinfo) {
  std::istringstream in{std::string(cpuinfo)};
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("cpu MHz")) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    return static_cast<int64_t>(std::strtod(line.c_str() + colon + 1, nullptr) * 1000);
  }
  return 0;
}

std::filesystem::path DefaultMicrovmBios() {
  std::filesystem::path qboot = "/usr/share/qemu/qboot.rom";
  std::error_code ec;
  return std::filesystem::exists(qboot, ec) ? qboot : std::filesystem::path();
}

}  // namespace ukc::vmm
