// The accelerator probe's pure parts: which QEMU log lines end a KVM probe at once, and what a
// cached result is keyed by (this machine's boot, the QEMU build, the machine type).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "vmm/accel_probe.h"

using ukc::vmm::AccelCacheKey;
using ukc::vmm::KvmFailureLogged;
using ukc::vmm::QemuConfig;

TEST_CASE("accel probe: a KVM error in QEMU's log fails the probe at once; warnings do not") {
  CHECK(
      KvmFailureLogged("qemu-system-x86_64: -accel kvm: Could not access KVM kernel module: "
                       "Permission denied\n"));
  CHECK(KvmFailureLogged("qemu-system-x86_64: failed to initialize kvm: No such device\n"));
  CHECK(KvmFailureLogged("error: kvm run failed Invalid argument\nRAX=0\n"));
  CHECK(KvmFailureLogged("KVM internal error. Suberror: 1\n"));  // "error" after "KVM"
  CHECK_FALSE(KvmFailureLogged(""));
  CHECK_FALSE(
      KvmFailureLogged("qemu-system-x86_64: warning: host doesn't support requested "
                       "feature: CPUID.80000001H:ECX.svm [bit 2] (kvm)\n"));
  CHECK_FALSE(KvmFailureLogged("qemu-system-x86_64: could not load kernel '/k'\n"));  // not KVM
}

TEST_CASE("accel probe: the cache key follows the QEMU build and the machine type") {
  auto dir =
      std::filesystem::temp_directory_path() / ("ukc-accel-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto qemu = dir / "qemu-system-x86_64";
  std::ofstream(qemu) << "#!/bin/sh\n";
  QemuConfig config;
  config.binary = qemu.string();
  std::string key = AccelCacheKey(config);
  CHECK(key == AccelCacheKey(config));  // stable on this boot
  CHECK(key.find(std::filesystem::canonical(qemu).string()) != std::string::npos);
  config.machine = "q35";
  CHECK(AccelCacheKey(config) != key);
  config.machine = "microvm";
  std::ofstream(qemu) << "#!/bin/sh\n# another build, another size\n";
  CHECK(AccelCacheKey(config) != key);
  std::filesystem::remove_all(dir);
}
