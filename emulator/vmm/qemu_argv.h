// Pure construction of the QEMU command line (runtimes/qemu-cmdline.sh is the reference recipe:
// microvm + qboot + PVH vmlinux by default, q35 as the fallback machine).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ukc::vmm {

struct QemuConfig {
  std::string binary = "qemu-system-x86_64";
  std::string machine = "microvm";  // "microvm" | "q35"
  std::string accel = "tcg";        // "tcg" | "kvm" (QemuVmm resolves "auto" by probing)
  std::filesystem::path bios;       // microvm firmware; empty: QEMU's default
  int64_t tsc_khz = 0;              // microvm + tcg: tsc_early_khz= (the host TSC rate)
  std::string extra_append;         // appended to the kernel command line
};

struct QemuGuest {
  std::string kernel, initrd;  // as QEMU should open them
  std::string console, qmp;    // serial log file and QMP socket path (relative to cwd ok)
  int memory_mb = 128, vcpus = 1;
  std::map<int, int> host_ports;                            // guest → host
  std::vector<std::pair<std::string, std::string>> fw_cfg;  // name → file (launch parameters)
  std::string incoming;     // a migration URI to resume from (-incoming), empty to boot
  std::string memory_file;  // guest RAM in this file (memory-backend-file); "" = none
  // share=on: the guest writes to the file. share=off: the file is mapped copy-on-write (a
  // template's RAM, which any number of VMs restore).
  bool memory_shared = true;
};

std::vector<std::string> BuildQemuArgv(const QemuConfig& config, const QemuGuest& guest);
// The kernel command line BuildQemuArgv passes with -append.
std::string KernelCmdline(const QemuConfig& config);
// Host TSC rate in kHz from /proc/cpuinfo text ("cpu MHz : 2400.000" → 2400000); 0 if absent.
int64_t TscKhzFromCpuinfo(std::string_view cpuinfo);
// Debian's qboot (qemu-system-data) if installed, else empty.
std::filesystem::path DefaultMicrovmBios();

}  // namespace ukc::vmm
