// TemplateStore: keys change with everything a restore depends on; a template is usable once its
// state is there beside a RAM file of its memory size; a finished build is published whole.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "vmm/template_store.h"

using ukc::vmm::TemplateRequest;
using ukc::vmm::TemplateStore;

namespace {

std::filesystem::path TempDir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("ukc-template-test-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("template store: keys follow the kernel, the runtime layers, size and QEMU") {
  auto dir = TempDir();
  std::ofstream(dir / "kernel") << "kernel";
  TemplateRequest r{dir / "kernel", dir / "initrd", {"sha256:a", "sha256:b"}, 128, 1};
  std::string key = TemplateStore::KeyFor(r, "qemu tcg");
  CHECK(key.size() == 32);
  CHECK(TemplateStore::KeyFor(r, "qemu tcg") == key);
  TemplateRequest rebuilt_runtime = r;  // `runtime build --force`: new layer digests
  rebuilt_runtime.layer_keys = {"sha256:a", "sha256:c"};
  CHECK(TemplateStore::KeyFor(rebuilt_runtime, "qemu tcg") != key);
  TemplateRequest bigger = r;
  bigger.memory_mb = 256;
  CHECK(TemplateStore::KeyFor(bigger, "qemu tcg") != key);
  TemplateRequest two_cpus = r;
  two_cpus.vcpus = 2;
  CHECK(TemplateStore::KeyFor(two_cpus, "qemu tcg") != key);
  CHECK(TemplateStore::KeyFor(r, "qemu kvm") != key);
  std::ofstream(dir / "kernel") << "a new kernel";
  CHECK(TemplateStore::KeyFor(r, "qemu tcg") != key);
  std::filesystem::remove_all(dir);
}

TEST_CASE("template store: usable once published whole; dropped; a lost race is fine") {
  auto dir = TempDir();
  TemplateStore store(dir);
  auto build = [&](const std::string& name) {
    std::filesystem::create_directories(dir / name);
    std::ofstream(dir / name / "state") << "device state";
    std::filesystem::resize_file((std::ofstream(dir / name / "ram"), dir / name / "ram"),
                                 128 << 20);
    return dir / name;
  };
  CHECK_FALSE(store.Usable("k", 128));
  REQUIRE(store.Publish(build("k.part-1"), "k").ok());
  CHECK(store.Usable("k", 128));
  CHECK_FALSE(store.Usable("k", 256));  // a RAM file of another size is not this template
  CHECK(store.Publish(build("k.part-2"), "k").ok());  // another process was first: fine
  CHECK_FALSE(std::filesystem::exists(dir / "k.part-2"));
  store.Drop("k");
  CHECK_FALSE(store.Usable("k", 128));
  std::filesystem::remove_all(dir);
}
