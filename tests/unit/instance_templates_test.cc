// Pre-booted templates over the FakeVmm: a launch that finds no template boots and has one
// built; later launches restore it (with the app's own layer and the memory class); a template
// that fails to restore is dropped and the launch boots; images a template cannot serve boot.
#include <doctest/doctest.h>

#include <fstream>

#include "controller_fixture.h"

using namespace ukc;
using namespace ukc::platform;
using ukc::testing::ControllerFixture;

namespace {

// An image of two initrd layers, the runtime's (shared) and the app's, as files in `dir`.
void UseLayeredImage(ControllerFixture& f, const std::string& app_bytes) {
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(f.dir / name, std::ios::binary) << bytes;
    return f.dir / name;
  };
  BootImage& image = f.images.boot;
  image.kernel = write("kernel", "kernel");
  image.shared_initrd = write("runtime.cpio", "070701 runtime");
  image.app_initrd = write("app.cpio", app_bytes);
  image.initrd = write("overlay.cpio", std::string(3 << 20, 'x'));  // 3 MiB: 77 MB to boot
  image.shared_initrd_digests = {"sha256:runtime"};
}

bool WaitForBuilds(ControllerFixture& f, int n) {
  for (int i = 0; i < 500 && f.vmm.templates_built() < n; ++i) {
    std::this_thread::sleep_for(milliseconds(2));
  }
  return f.vmm.templates_built() == n;
}

}  // namespace

TEST_CASE("templates: the first launch boots and has one built; the next ones restore it") {
  ControllerFixture f(false, ControllerFixture::QuickScript(), /*templates=*/true);
  UseLayeredImage(f, "070701 app");
  api::Instance first = f.Create("", false);
  CHECK(f.WaitFor(first.uuid, "running").state == "running");
  REQUIRE(WaitForBuilds(f, 1));
  api::Instance second = f.Create("", false);
  CHECK(f.WaitFor(second.uuid, "running").state == "running");
  auto launched = f.vmm.launched();
  REQUIRE(launched.size() == 2);
  CHECK(launched[0].template_key.empty());  // booted
  CHECK(launched[0].initrd == f.dir / "overlay.cpio");
  CHECK(!launched[1].template_key.empty());  // restored
  CHECK(launched[1].initrd == f.dir / "runtime.cpio");
  CHECK(launched[1].app_layer == f.dir / "app.cpio");
  CHECK(launched[1].memory_mb == 128);  // the class of 128 MB asked, 77 MB needed
  CHECK(f.vmm.templates_built() == 1);
}

TEST_CASE("templates: one that fails to restore is dropped, the launch boots, a new one is built") {
  ControllerFixture f(false, ControllerFixture::QuickScript(), /*templates=*/true);
  UseLayeredImage(f, "070701 app");
  api::Instance first = f.Create("", false);
  f.WaitFor(first.uuid, "running");
  REQUIRE(WaitForBuilds(f, 1));
  f.vmm.template_failure = Status::Internal("restoring the template failed: crashed");
  api::Instance second = f.Create("", false);
  CHECK(f.WaitFor(second.uuid, "running").state == "running");  // never a failed launch
  auto launched = f.vmm.launched();
  REQUIRE(launched.size() == 2);
  CHECK(launched[1].template_key.empty());
  CHECK(WaitForBuilds(f, 2));  // the dropped template is made again
}

TEST_CASE("templates: a compressed app layer, or templates off, boots without building any") {
  SUBCASE("gzip app layer: ukc-init could not unpack it") {
    ControllerFixture f(false, ControllerFixture::QuickScript(), /*templates=*/true);
    UseLayeredImage(f, "\x1f\x8b compressed");
    api::Instance i = f.Create("", false);
    f.WaitFor(i.uuid, "running");
    std::this_thread::sleep_for(milliseconds(50));
    CHECK(f.vmm.templates_built() == 0);
  }
  SUBCASE("templates off") {
    ControllerFixture f;
    UseLayeredImage(f, "070701 app");
    api::Instance i = f.Create("", false);
    f.WaitFor(i.uuid, "running");
    std::this_thread::sleep_for(milliseconds(50));
    CHECK(f.vmm.templates_built() == 0);
    CHECK(f.vmm.launched().at(0).template_key.empty());
  }
}
