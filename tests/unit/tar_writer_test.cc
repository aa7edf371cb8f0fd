#include "archive/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "base/encoding.h"
#include "store/data_dir.h"

namespace fs = std::filesystem;
using namespace ukc;

namespace {

struct TempDir {
  fs::path root = fs::temp_directory_path() / ("ukc-tar-test-" + RandomHex(6));
  TempDir() { fs::create_directories(root); }
  ~TempDir() { fs::remove_all(root); }
};

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

void WriteFile(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

struct Entry {
  std::string name, content;
  int64_t size = 0, mtime = -1, uid = -1, gid = -1;
  mode_t mode = 0;
};

// Reads every entry of a tar back with libarchive.
std::vector<Entry> ReadTar(const fs::path& tar) {
  std::vector<Entry> entries;
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, tar.c_str(), 1 << 16) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Entry entry{archive_entry_pathname(e), "",
                archive_entry_size(e),     archive_entry_mtime(e),
                archive_entry_uid(e),      archive_entry_gid(e),
                archive_entry_mode(e)};
    char buffer[65536];
    for (la_ssize_t n; (n = archive_read_data(a, buffer, sizeof buffer)) > 0;) {
      entry.content.append(buffer, static_cast<size_t>(n));
    }
    entries.push_back(std::move(entry));
  }
  archive_read_free(a);
  return entries;
}

}  // namespace

TEST_CASE("tar writer: one deterministic entry that reads back") {
  TempDir dir;
  std::string content = RandomBytes(3 * (1 << 20) + 123, 7);  // more than one 1 MiB chunk
  WriteFile(dir.root / "vmlinux", content);
  archive::TarFileResult result;
  REQUIRE(archive::WriteSingleFileTar(dir.root / "vmlinux", "unikraft/bin/kernel",
                                      dir.root / "kernel.tar", &result)
              .ok());
  CHECK(result.size == fs::file_size(dir.root / "kernel.tar"));
  CHECK(result.size % 512 == 0);
  std::string tar;
  REQUIRE(store::ReadFile(dir.root / "kernel.tar", &tar).ok());
  CHECK(result.digest == oci::Digest::Sha256Of(tar));
  CHECK(tar.substr(257, 5) == "ustar");
  CHECK_FALSE(fs::exists(dir.root / "kernel.tar.tmp"));

  auto entries = ReadTar(dir.root / "kernel.tar");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].name == "unikraft/bin/kernel");
  CHECK(entries[0].size == static_cast<int64_t>(content.size()));
  CHECK(entries[0].content == content);
  CHECK(entries[0].mtime == 0);
  CHECK(entries[0].uid == 0);
  CHECK(entries[0].gid == 0);
  CHECK(S_ISREG(entries[0].mode));
  CHECK((entries[0].mode & 07777) == 0644);
}

TEST_CASE("tar writer: same input gives the same digest, whatever the file's metadata") {
  TempDir dir;
  std::string content = RandomBytes(100000, 11);
  WriteFile(dir.root / "a", content);
  WriteFile(dir.root / "b", content);
  fs::last_write_time(dir.root / "b", fs::file_time_type::clock::now() - std::chrono::hours(48));
  fs::permissions(dir.root / "b", fs::perms::owner_all);
  archive::TarFileResult ra, rb, rc;
  REQUIRE(
      archive::WriteSingleFileTar(dir.root / "a", "unikraft/bin/initrd", dir.root / "a.tar", &ra)
          .ok());
  REQUIRE(
      archive::WriteSingleFileTar(dir.root / "b", "unikraft/bin/initrd", dir.root / "b.tar", &rb)
          .ok());
  CHECK(ra.digest == rb.digest);
  CHECK(ra.size == rb.size);
  // A different entry name is a different layer.
  REQUIRE(
      archive::WriteSingleFileTar(dir.root / "a", "unikraft/bin/kernel", dir.root / "c.tar", &rc)
          .ok());
  CHECK_FALSE(ra.digest == rc.digest);
}

TEST_CASE("tar writer: empty file and errors") {
  TempDir dir;
  WriteFile(dir.root / "empty", "");
  archive::TarFileResult result;
  REQUIRE(archive::WriteSingleFileTar(dir.root / "empty", "x", dir.root / "e.tar", &result).ok());
  auto entries = ReadTar(dir.root / "e.tar");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].size == 0);

  CHECK_FALSE(
      archive::WriteSingleFileTar(dir.root / "missing", "x", dir.root / "m.tar", &result).ok());
  CHECK_FALSE(fs::exists(dir.root / "m.tar"));
  CHECK_FALSE(archive::WriteSingleFileTar(dir.root, "x", dir.root / "d.tar", &result).ok());
  CHECK_FALSE(fs::exists(dir.root / "d.tar"));
}
