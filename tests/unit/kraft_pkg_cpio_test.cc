// kraft/pkg/cpio_writer + rootfs_unpack: deterministic newc archives of a directory or tarball,
// and unpacking them (concatenated archives in order, no path escapes).
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/encoding.h"
#include "pkg/cpio_writer.h"
#include "pkg/rootfs_unpack.h"

namespace fs = std::filesystem;
using namespace kraft;

namespace {

struct TempDir {
  fs::path root = fs::temp_directory_path() / ("kraft-cpio-test-" + ukc::RandomHex(6));
  TempDir() { fs::create_directories(root); }
  ~TempDir() { fs::remove_all(root); }
};

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Seen {
  mode_t type = 0, perm = 0;
  int64_t size = 0, uid = -1, mtime = -1, ino = 0, nlink = 0;
  std::string data, symlink;
};

// name → entry, in archive order via `order`.
std::map<std::string, Seen> ReadCpio(const fs::path& file, std::vector<std::string>* order) {
  std::map<std::string, Seen> out;
  struct archive* a = archive_read_new();
  archive_read_support_format_cpio(a);
  REQUIRE(archive_read_open_filename(a, file.c_str(), 4096) == ARCHIVE_OK);
  archive_entry* e;
  bool first = true;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (first) {  // the format is known once a header has been read
      const char* format = archive_format_name(a);
      CHECK(std::string(format ? format : "").find("SVR4") != std::string::npos);
      first = false;
    }
    Seen s{archive_entry_filetype(e),
           archive_entry_perm(e),
           archive_entry_size(e),
           archive_entry_uid(e),
           archive_entry_mtime(e),
           archive_entry_ino64(e),
           archive_entry_nlink(e),
           {},
           {}};
    if (archive_entry_symlink(e)) s.symlink = archive_entry_symlink(e);
    std::string data(s.size, '\0');
    if (s.size) archive_read_data(a, data.data(), s.size);
    s.data = data;
    order->push_back(archive_entry_pathname(e));
    out[archive_entry_pathname(e)] = s;
  }
  archive_read_free(a);
  return out;
}

void MakeTree(const fs::path& dir) {
  WriteFile(dir / "src/server.py", "print('hi')\n");
  WriteFile(dir / "bin/tool", "#!/bin/sh\n");
  fs::permissions(dir / "bin/tool", fs::perms(0755));
  fs::create_directory_symlink("/usr/lib", dir / "lib");
  fs::create_hard_link(dir / "src/server.py", dir / "src/copy.py");
  fs::create_directories(dir / "empty");
  mkfifo((dir / "fifo").c_str(), 0644);
}

}  // namespace

TEST_CASE("cpio of a directory: sorted absolute names, root-owned, zero mtimes, kinds kept") {
  TempDir t;
  MakeTree(t.root / "rootfs");
  CpioResult r;
  REQUIRE(WriteCpioFromDirectory(t.root / "rootfs", t.root / "out.cpio", &r).ok());
  CHECK(r.size % 512 == 0);
  CHECK(r.size == fs::file_size(t.root / "out.cpio"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("/fifo") != std::string::npos);
  std::vector<std::string> order;
  auto entries = ReadCpio(t.root / "out.cpio", &order);
  CHECK(order == std::vector<std::string>{"/bin", "/bin/tool", "/empty", "/lib", "/src",
                                          "/src/copy.py", "/src/server.py"});
  for (const auto& [name, e] : entries) {
    CHECK(e.uid == 0);
    CHECK(e.mtime == 0);
  }
  CHECK(entries["/bin/tool"].perm == 0755);
  CHECK(entries["/bin/tool"].data == "#!/bin/sh\n");
  CHECK(entries["/lib"].type == AE_IFLNK);
  CHECK(entries["/lib"].symlink == "/usr/lib");
  CHECK(entries["/empty"].type == AE_IFDIR);
  // Hard links share an inode; only the first name (in order) carries the data.
  CHECK(entries["/src/copy.py"].ino == entries["/src/server.py"].ino);
  CHECK(entries["/src/copy.py"].nlink == 2);
}

TEST_CASE("cpio of the same tree is byte-identical, whatever the mtimes") {
  TempDir t;
  MakeTree(t.root / "a");
  MakeTree(t.root / "b");
  fs::last_write_time(t.root / "b/src/server.py",
                      fs::file_time_type::clock::now() - std::chrono::hours(5));
  CpioResult ra, rb;
  REQUIRE(WriteCpioFromDirectory(t.root / "a", t.root / "a.cpio", &ra).ok());
  REQUIRE(WriteCpioFromDirectory(t.root / "b", t.root / "b.cpio", &rb).ok());
  CHECK(ra.digest == rb.digest);
  CHECK(ReadFile(t.root / "a.cpio") == ReadFile(t.root / "b.cpio"));
  WriteFile(t.root / "b/src/server.py", "print('changed')\n");
  REQUIRE(WriteCpioFromDirectory(t.root / "b", t.root / "b.cpio", &rb).ok());
  CHECK(ra.digest != rb.digest);
}

TEST_CASE("a tarball is re-packed as cpio with absolute names; cpio detection") {
  TempDir t;
  MakeTree(t.root / "rootfs");
  fs::remove(t.root / "rootfs/fifo");
  std::string cmd =
      "tar -C " + (t.root / "rootfs").string() + " -cf " + (t.root / "r.tar").string() + " .";
  REQUIRE(std::system(cmd.c_str()) == 0);
  CpioResult r;
  REQUIRE(WriteCpioFromTarball(t.root / "r.tar", t.root / "r.cpio", &r).ok());
  CHECK(IsCpioFile(t.root / "r.cpio"));
  CHECK_FALSE(IsCpioFile(t.root / "r.tar"));
  std::vector<std::string> order;
  auto entries = ReadCpio(t.root / "r.cpio", &order);
  CHECK(entries.count("/src/server.py") == 1);
  CHECK(entries.count("/") == 0);
  CHECK(entries["/lib"].symlink == "/usr/lib");
  const Seen& a = entries["/src/copy.py"];
  const Seen& b = entries["/src/server.py"];
  CHECK(a.ino == b.ino);
  CHECK(a.data + b.data == "print('hi')\n");
}

TEST_CASE("unpacking concatenated cpio archives: later files win, escapes are refused") {
  TempDir t;
  WriteFile(t.root / "one/etc/motd", "runtime\n");
  WriteFile(t.root / "one/usr/bin/python3", "py");
  WriteFile(t.root / "two/etc/motd", "app\n");
  CpioResult r;
  REQUIRE(WriteCpioFromDirectory(t.root / "one", t.root / "1.cpio", &r).ok());
  REQUIRE(WriteCpioFromDirectory(t.root / "two", t.root / "2.cpio", &r).ok());
  WriteFile(t.root / "both.cpio", ReadFile(t.root / "1.cpio") + ReadFile(t.root / "2.cpio"));
  REQUIRE(UnpackRootfsArchive(t.root / "both.cpio", t.root / "out").ok());
  CHECK(ReadFile(t.root / "out/etc/motd") == "app\n");
  CHECK(ReadFile(t.root / "out/usr/bin/python3") == "py");

  // A symlinked directory followed by a file below it must not write outside.
  fs::create_directories(t.root / "evil");
  fs::create_directory_symlink(t.root / "outside", t.root / "evil/link");
  WriteFile(t.root / "evil2/link/pwned", "x");
  REQUIRE(WriteCpioFromDirectory(t.root / "evil", t.root / "e1.cpio", &r).ok());
  REQUIRE(WriteCpioFromDirectory(t.root / "evil2", t.root / "e2.cpio", &r).ok());
  WriteFile(t.root / "evil.cpio", ReadFile(t.root / "e1.cpio") + ReadFile(t.root / "e2.cpio"));
  // Refused, or the link replaced by a directory inside out2: either way nothing lands outside.
  ukc::Status evil = UnpackRootfsArchive(t.root / "evil.cpio", t.root / "out2");
  CHECK_FALSE(fs::exists(t.root / "outside/pwned"));
  if (evil.ok()) CHECK(fs::exists(t.root / "out2/link/pwned"));
}
