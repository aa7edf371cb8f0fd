// Where QemuVmm keeps templates (vmm.h): <dir>/<key>/ram, the guest RAM that restores map
// copy-on-write, and <dir>/<key>/state, QEMU's saved device state. A template is built in
// <dir>/<key>.part-<n>/ and renamed into place whole, so its two files always belong together
// (when two processes build the same template, the first rename wins). A key is a hash of
// everything a restore depends on: kernel, shared initrd layers, memory, vCPUs, QEMU build, machine
// and accelerator. The default dir is machine-wide on a RAM filesystem, so every data dir (and
// every test's daemon) shares it.
#pragma once

#include <filesystem>
#include <string>

#include "vmm/vmm.h"

namespace ukc::vmm {

class TemplateStore {
 public:
  explicit TemplateStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  // `qemu` identifies the QEMU side: build, machine, accelerator, firmware.
  static std::string KeyFor(const TemplateRequest& request, const std::string& qemu);
  std::filesystem::path RamPath(const std::string& key) const { return dir_ / key / "ram"; }
  std::filesystem::path StatePath(const std::string& key) const { return dir_ / key / "state"; }
  // Moves a finished build (a directory holding `ram` and `state`) into place; Ok also when
  // another process put the same template there first (the build is then removed).
  Status Publish(const std::filesystem::path& build, const std::string& key) const;
  // Both files are there and the RAM file has `memory_mb`; marks the template used (mtime).
  bool Usable(const std::string& key, int memory_mb) const;
  void Drop(const std::string& key) const;
  // Removes the least recently used templates beyond `keep` (and leftovers of failed builds).
  void Prune(size_t keep) const;

 private:
  std::filesystem::path dir_;
};

// $UKC_TEMPLATES, else /dev/shm/ukc-emu-templates, when writable; else "" (no templates: every
// launch boots). UKC_TEMPLATES=off also gives "".
std::filesystem::path DefaultTemplateDir();

}  // namespace ukc::vmm
