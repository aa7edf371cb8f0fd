// registry::ReadImage lists every initrd layer in order; vmm::ImageLoader overlays several
// (concatenated, each padded to 512 bytes, cached) and refuses EROFS initrds.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "archive/tar_writer.h"
#include "base/encoding.h"
#include "oci/image_layout.h"
#include "oci/media_types.h"
#include "registry/image_reader.h"
#include "registry/registry_store.h"
#include "store/data_dir.h"
#include "store/database.h"
#include "vmm/image_loader.h"
#include "vmm/initrd_overlay.h"

namespace fs = std::filesystem;
using namespace ukc;

namespace {

struct TempStore {
  fs::path root = fs::temp_directory_path() / ("ukc-overlay-test-" + RandomHex(6));
  store::DataDir data_dir{root / "data"};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<registry::RegistryStore> registry;
  TempStore() {
    REQUIRE(data_dir.Create().ok());
    REQUIRE(store::Database::Open(data_dir.database().string(), &db).ok());
    registry = std::make_unique<registry::RegistryStore>(data_dir, db.get());
    REQUIRE(registry->Init().ok());
  }
  ~TempStore() { fs::remove_all(root); }

  // Stores `content` as a single-file tar layer with the given role.
  oci::LayerRef Layer(const std::string& content, bool kernel) {
    fs::path in = root / ("in-" + RandomHex(4)), tar = root / ("tar-" + RandomHex(4));
    std::ofstream(in, std::ios::binary) << content;
    archive::TarFileResult result;
    REQUIRE(archive::WriteSingleFileTar(in, kernel ? oci::kKernelTarEntry : oci::kInitrdTarEntry,
                                        tar, &result)
                .ok());
    std::stringstream bytes;
    bytes << std::ifstream(tar, std::ios::binary).rdbuf();
    oci::Digest digest;
    REQUIRE(registry->PutBlob("local/app", bytes.str(), &digest).ok());
    return kernel ? oci::KernelLayer(digest, result.size) : oci::InitrdLayer(digest, result.size);
  }

  void Image(const std::string& tag, const std::vector<oci::LayerRef>& layers) {
    oci::ConfigFields fields;
    fields.cmd = {"/app"};
    std::string config = oci::BuildConfigJson(fields, layers);
    oci::Digest config_digest, digest;
    REQUIRE(registry->PutBlob("local/app", config, &config_digest).ok());
    std::string manifest = oci::BuildManifestJson(config, layers, {});
    oci::ParsedManifest parsed;
    REQUIRE(
        registry
            ->PutManifest("local/app", manifest, oci::kMediaTypeOciManifest, tag, &digest, &parsed)
            .ok());
  }
};

std::string Read(const fs::path& p) {
  std::stringstream s;
  s << std::ifstream(p, std::ios::binary).rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("several initrd layers are overlaid in manifest order, padded, built once") {
  TempStore t;
  std::string runtime = "070701" + std::string(94, 'r'), app = "070701" + std::string(10, 'a');
  auto kernel = t.Layer("kernel", true);
  auto first = t.Layer(runtime, false), second = t.Layer(app, false);
  t.Image("two", {kernel, first, second});
  registry::ImageDescription d;
  REQUIRE(registry::ReadImage(t.registry.get(), "local/app", "two", &d).ok());
  REQUIRE(d.initrds.size() == 2);
  CHECK(d.initrds[0].digest == first.digest);
  CHECK(d.initrds[1].digest == second.digest);

  vmm::ImageLoader loader(t.registry.get(), t.root / "cache");
  vmm::LoadedImage image;
  REQUIRE(loader.Load("local/app", "two", &image).ok());
  std::string bytes = Read(image.initrd);
  REQUIRE(bytes.size() == 1024);
  CHECK(bytes.substr(0, 100) == runtime);
  CHECK(bytes.substr(100, 412) == std::string(412, '\0'));
  CHECK(bytes.substr(512, 16) == app);
  auto built = fs::last_write_time(image.initrd);
  vmm::LoadedImage again;
  REQUIRE(loader.Load("local/app", "two", &again).ok());
  CHECK(again.initrd == image.initrd);
  CHECK(fs::last_write_time(again.initrd) == built);
}

TEST_CASE("one initrd layer is booted as extracted; an EROFS initrd is refused") {
  TempStore t;
  auto kernel = t.Layer("kernel", true);
  t.Image("one", {kernel, t.Layer("070701single", false)});
  vmm::ImageLoader loader(t.registry.get(), t.root / "cache");
  vmm::LoadedImage image;
  REQUIRE(loader.Load("local/app", "one", &image).ok());
  CHECK(Read(image.initrd) == "070701single");
  CHECK(image.initrd.filename() == "initrd");

  std::string erofs(2048, '\0');
  erofs.replace(1024, 4, "\xe2\xe1\xf5\xe0");
  t.Image("erofs", {kernel, t.Layer(erofs, false)});
  Status s = loader.Load("local/app", "erofs", &image);
  CHECK(s.kind() == Status::Kind::kInvalidArgument);
  CHECK(s.message().find("EROFS initrds are not bootable in ukc-emu yet") != std::string::npos);
}
