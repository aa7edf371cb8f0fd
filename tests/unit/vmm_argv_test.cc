#include <doctest/doctest.h>

#include <algorithm>

#include "vmm/qemu_argv.h"

using ukc::vmm::BuildQemuArgv;
using ukc::vmm::QemuConfig;
using ukc::vmm::QemuGuest;

namespace {

std::string After(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

QemuGuest Guest() {
  return {"/k/vmlinux", "/i/initrd", "/d/console.log", "/d/qmp.sock", 256, 2, {{8080, 40001}},
          {},           {}};
}

}  // namespace

TEST_CASE("argv: launch parameters go as fw_cfg files, commas escaped") {
  QemuGuest guest = Guest();
  guest.fw_cfg = {{"opt/ukc/argv", "/d/launch/argv"}, {"opt/ukc/env", "/d,x/launch/env"}};
  auto argv = BuildQemuArgv(QemuConfig{}, guest);
  auto first = std::find(argv.begin(), argv.end(), "-fw_cfg");
  REQUIRE(first != argv.end());
  CHECK(*(first + 1) == "name=opt/ukc/argv,file=/d/launch/argv");
  auto second = std::find(first + 1, argv.end(), "-fw_cfg");
  REQUIRE(second != argv.end());
  CHECK(*(second + 1) == "name=opt/ukc/env,file=/d,,x/launch/env");
  CHECK(After(argv, "-initrd") == "/i/initrd");  // the image's initrd itself, never a copy
}

TEST_CASE("argv: microvm + tcg matches runtimes/qemu-cmdline.sh") {
  QemuConfig config;
  config.bios = "/usr/share/qemu/qboot.rom";
  config.tsc_khz = 2400000;
  auto argv = BuildQemuArgv(config, Guest());
  CHECK(argv[0] == "qemu-system-x86_64");
  CHECK(std::find(argv.begin(), argv.end(), "-no-reboot") != argv.end());
  CHECK(After(argv, "-accel") == "tcg");
  CHECK(After(argv, "-cpu") == "max");
  CHECK(After(argv, "-M") == "microvm,pit=on,pic=on,rtc=on,isa-serial=on,acpi=on,pcie=off");
  CHECK(After(argv, "-bios") == "/usr/share/qemu/qboot.rom");
  CHECK(After(argv, "-netdev") == "user,id=net0,hostfwd=tcp:127.0.0.1:40001-:8080");
  CHECK(After(argv, "-device") == "virtio-net-device,netdev=net0");
  CHECK(After(argv, "-m") == "256");
  CHECK(After(argv, "-smp") == "2");
  CHECK(After(argv, "-kernel") == "/k/vmlinux");
  CHECK(After(argv, "-initrd") == "/i/initrd");
  CHECK(After(argv, "-serial") == "file:/d/console.log");
  CHECK(After(argv, "-qmp") == "unix:/d/qmp.sock,server=on,wait=off");
  CHECK(std::find(argv.begin(), argv.end(), "-fw_cfg") == argv.end());
  std::string append = After(argv, "-append");
  CHECK(append.starts_with("console=ttyS0 quiet panic=-1 reboot=t"));
  CHECK(append.find(" pci=off tsc_early_khz=2400000") != std::string::npos);
}

TEST_CASE("argv: kvm uses -cpu host and no tsc_early_khz") {
  QemuConfig config;
  config.accel = "kvm";
  config.tsc_khz = 2400000;
  auto argv = BuildQemuArgv(config, Guest());
  CHECK(After(argv, "-accel") == "kvm");
  CHECK(After(argv, "-cpu") == "host");
  CHECK(After(argv, "-append").find("tsc_early_khz") == std::string::npos);
}

TEST_CASE("argv: q35 fallback") {
  QemuConfig config;
  config.machine = "q35";
  config.bios = "/ignored.rom";
  config.tsc_khz = 1000;
  auto argv = BuildQemuArgv(config, Guest());
  CHECK(After(argv, "-M") == "q35");
  CHECK(After(argv, "-device") == "virtio-net-pci,netdev=net0,romfile=");
  CHECK(After(argv, "-bios").empty());
  CHECK(After(argv, "-append").find("pci=off") == std::string::npos);
}

TEST_CASE("argv: one hostfwd per port, none without ports") {
  QemuGuest guest = Guest();
  guest.host_ports = {{80, 5000}, {443, 5001}};
  CHECK(After(BuildQemuArgv({}, guest), "-netdev") ==
        "user,id=net0,hostfwd=tcp:127.0.0.1:5000-:80,hostfwd=tcp:127.0.0.1:5001-:443");
  guest.host_ports.clear();
  CHECK(After(BuildQemuArgv({}, guest), "-netdev") == "user,id=net0");
}

TEST_CASE("tsc kHz from /proc/cpuinfo") {
  CHECK(ukc::vmm::TscKhzFromCpuinfo("processor\t: 0\ncpu MHz\t\t: 2399.998\n") == 2399998);
  CHECK(ukc::vmm::TscKhzFromCpuinfo("processor\t: 0\n") == 0);
}

TEST_CASE("argv: shared guest RAM is a memory-backend-file the machine uses") {
  QemuGuest guest = Guest();
  guest.memory_file = "/dev/shm/ukc,1/u.ram";
  for (const char* machine : {"microvm", "q35"}) {
    QemuConfig config;
    config.machine = machine;
    auto argv = BuildQemuArgv(config, guest);
    CHECK(After(argv, "-object") ==
          "memory-backend-file,id=ram0,size=256M,mem-path=/dev/shm/ukc,,1/u.ram,share=on");
    CHECK(After(argv, "-M").ends_with(",memory-backend=ram0"));
    CHECK(After(argv, "-m") == "256");
  }
  auto plain = BuildQemuArgv(QemuConfig{}, Guest());
  CHECK(std::find(plain.begin(), plain.end(), "-object") == plain.end());
}

TEST_CASE(
    "argv: a template restore maps its RAM copy-on-write and defers the migration (TCG, KVM)") {
  for (std::string accel : {"tcg", "kvm"}) {
    CAPTURE(accel);
    QemuConfig config;
    config.accel = accel;
    QemuGuest guest = Guest();
    guest.memory_file = "/dev/shm/ukc-emu-templates/k.ram";
    guest.memory_shared = false;
    guest.incoming = "defer";
    guest.fw_cfg = {{"opt/ukc/launch", "/d/launch/launch"}, {"opt/ukc/app", "/l/app.cpio"}};
    auto argv = BuildQemuArgv(config, guest);
    CHECK(After(argv, "-accel") == accel);
    CHECK(After(argv, "-cpu") == (accel == "kvm" ? "host" : "max"));
    CHECK(After(argv, "-object") ==
          "memory-backend-file,id=ram0,size=256M,mem-path=/dev/shm/ukc-emu-templates/k.ram,"
          "share=off");
    CHECK(After(argv, "-M").ends_with(",memory-backend=ram0"));
    CHECK(After(argv, "-incoming") == "defer");
    CHECK(std::count(argv.begin(), argv.end(), "-fw_cfg") == 2);
    guest.memory_shared = true;  // a template boot (or a scale-to-zero VM) writes its RAM file
    CHECK(BuildQemuArgv(config,
                        guest)[std::find(argv.begin(), argv.end(), "-object") - argv.begin() + 1]
              .ends_with(",share=on"));
  }
}
