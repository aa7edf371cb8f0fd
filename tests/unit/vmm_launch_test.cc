#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "archive/tar_reader.h"
#include "store/data_dir.h"
#include "vmm/image_loader.h"
#include "vmm/launch_params.h"

namespace fs = std::filesystem;
using namespace ukc;

namespace {

fs::path TempDir() {
  auto dir = fs::temp_directory_path() / ("ukc-vmm-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

// Writes a tar with the given (name, content) files; content "" + name ending in / = directory.
void WriteTar(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& files) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, path.c_str());
  for (const auto& [name, content] : files) {
    struct archive_entry* e = archive_entry_new();
    bool dir = name.back() == '/';
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, dir ? 0 : content.size());
    archive_write_header(a, e);
    if (!dir) archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace

TEST_CASE("launch files: fw_cfg entries carry argv/env/cwd; bad env refused") {
  auto dir = TempDir();
  vmm::LaunchSpec spec;
  spec.argv = {"/http-server", "8080", "", "word"};
  spec.env = {"GREETING=hi"};
  spec.cwd = "/srv";
  std::vector<vmm::FwCfgFile> files;
  REQUIRE(vmm::WriteLaunchFiles(spec, dir / "launch", &files).ok());
  std::map<std::string, std::string> content;
  for (const auto& f : files) REQUIRE(store::ReadFile(f.path, &content[f.name]).ok());
  CHECK(content["opt/ukc/argv"] == std::string("/http-server\0"
                                               "8080\0word\0",
                                               23));
  CHECK(content["opt/ukc/env"] == std::string("GREETING=hi\0", 12));
  CHECK(content["opt/ukc/cwd"] == "/srv\n");
  CHECK(content["opt/ukc/stop_timeout_ms"] == "5000\n");
  spec.env = {"=bad"};
  CHECK(vmm::WriteLaunchFiles(spec, dir / "launch", &files).kind() ==
        Status::Kind::kInvalidArgument);
  fs::remove_all(dir);
}

TEST_CASE("initrd checks and the memory minimum") {
  auto dir = TempDir();
  REQUIRE(store::WriteFileAtomically(dir / "img", "070701xxxxx").ok());
  CHECK(vmm::CheckInitrd(dir / "img").ok());
  REQUIRE(store::WriteFileAtomically(dir / "junk", "this is not an initrd").ok());
  CHECK(vmm::CheckInitrd(dir / "junk").kind() == Status::Kind::kCorruption);
  CHECK(vmm::CheckInitrd(dir / "missing").kind() == Status::Kind::kNotFound);
  CHECK(vmm::MinimumMemoryMb(1931776) == 72);
  fs::remove_all(dir);
}

TEST_CASE("tar reader: exactly one regular file") {
  auto dir = TempDir();
  WriteTar(dir / "one.tar",
           {{"unikraft/", ""}, {"unikraft/bin/", ""}, {"unikraft/bin/kernel", "KERNEL"}});
  std::string name, content;
  REQUIRE(archive::ExtractSingleFile(dir / "one.tar", dir / "kernel", &name).ok());
  CHECK(name == "unikraft/bin/kernel");
  REQUIRE(store::ReadFile(dir / "kernel", &content).ok());
  CHECK(content == "KERNEL");
  WriteTar(dir / "two.tar", {{"a", "1"}, {"b", "2"}});
  CHECK(archive::ExtractSingleFile(dir / "two.tar", dir / "x").kind() == Status::Kind::kCorruption);
  WriteTar(dir / "none.tar", {{"d/", ""}});
  CHECK(archive::ExtractSingleFile(dir / "none.tar", dir / "x").kind() ==
        Status::Kind::kCorruption);
  REQUIRE(store::WriteFileAtomically(dir / "raw", std::string(2048, 'z')).ok());
  CHECK(archive::ExtractSingleFile(dir / "raw", dir / "x").kind() == Status::Kind::kCorruption);
  fs::remove_all(dir);
}

TEST_CASE("image references") {
  std::string repo, ref;
  REQUIRE(vmm::ParseImageReference("local/app:latest", &repo, &ref).ok());
  CHECK(repo == "local/app");
  CHECK(ref == "latest");
  REQUIRE(vmm::ParseImageReference("official/base", &repo, &ref).ok());
  CHECK(ref == "latest");
  std::string digest = "sha256:" + std::string(64, 'a');
  REQUIRE(vmm::ParseImageReference("r@" + digest, &repo, &ref).ok());
  CHECK(repo == "r");
  CHECK(ref == digest);
  CHECK_FALSE(vmm::ParseImageReference("r@sha256:zz", &repo, &ref).ok());
  CHECK_FALSE(vmm::ParseImageReference("Bad/Name:1", &repo, &ref).ok());
}
