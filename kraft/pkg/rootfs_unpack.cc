#include "pkg/rootfs_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

struct ReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

uint64_t Hex8(const std::string& d, size_t at) { return std::stoull(d.substr(at, 8), nullptr, 16); }

// Start offsets of the concatenated archives in `data` (newc walked header by header; anything
// that is not newc — a compressed archive — runs to the end).
std::vector<std::pair<size_t, size_t>> SplitArchives(const std::string& data) {
  std::vector<std::pair<size_t, size_t>> parts;
  size_t o = 0;
  while (o < data.size()) {
    while (o < data.size() && data[o] == '\0') ++o;
    if (o >= data.size()) break;
    size_t start = o;
    if (data.compare(o, 5, "07070") != 0) {
      parts.push_back({start, data.size()});
      break;
    }
    bool trailer = false;
    while (!trailer && o + 110 <= data.size() && data.compare(o, 5, "07070") == 0) {
      uint64_t size = Hex8(data, o + 54), name_size = Hex8(data, o + 94);
      trailer = data.compare(o + 110, 10, "TRAILER!!!") == 0;
      o = (o + 110 + name_size + 3) & ~size_t{3};
      o = (o + size + 3) & ~size_t{3};
    }
    parts.push_back({start, std::min(o, data.size())});
    if (!trailer) break;
  }
  return parts;
}

// "./a/../b" → error; "/usr/bin/" → "usr/bin"; "" for the root.
Status SafeRelative(const std::string& name, std::string* out) {
  fs::path p = fs::path(name).relative_path().lexically_normal();
  for (const auto& part : p) {
    if (part == "..") return Status::Corruption("rootfs entry '" + name + "' escapes the rootfs");
  }
  *out = p.generic_string();
  if (*out == "." || *out == "./") out->clear();
  while (!out->empty() && out->back() == '/') out->pop_back();
  return Status::Ok();
}

// Creates the parents of `rel` under `dir`, refusing symlinked ones.
Status MakeParents(const fs::path& dir, const std::string& rel) {
  fs::path cur = dir;
  fs::path parent = fs::path(rel).parent_path();
  for (const auto& part : parent) {
    cur /= part;
    struct stat st {};
    if (lstat(cur.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) continue;
      return Status::Corruption("rootfs entry '" + rel + "' goes through non-directory " +
                                cur.string());
    }
    if (mkdir(cur.c_str(), 0755) != 0) return Status::IoError("mkdir " + cur.string());
  }
  return Status::Ok();
}

Status WriteEntry(struct archive* a, archive_entry* e, const fs::path& dir) {
  std::string rel;
  if (Status s = SafeRelative(archive_entry_pathname(e), &rel); !s.ok() || rel.empty()) return s;
  if (Status s = MakeParents(dir, rel); !s.ok()) return s;
  fs::path path = dir / rel;
  mode_t type = archive_entry_filetype(e);
  mode_t perm = archive_entry_perm(e);
  struct stat st {};
  bool exists = lstat(path.c_str(), &st) == 0;
  if (type == AE_IFDIR) {
    if (exists && !S_ISDIR(st.st_mode)) unlink(path.c_str());
    if (!exists || !S_ISDIR(st.st_mode)) mkdir(path.c_str(), 0755);
    chmod(path.c_str(), perm | 0700);
    return Status::Ok();
  }
  if (exists) {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  if (const char* target = archive_entry_hardlink(e); target && archive_entry_size(e) == 0) {
    std::string t;
    if (Status s = SafeRelative(target, &t); !s.ok()) return s;
    if (link((dir / t).c_str(), path.c_str()) != 0) return Status::IoError("link " + path.string());
    return Status::Ok();
  }
  if (type == AE_IFLNK) {
    if (symlink(archive_entry_symlink(e), path.c_str()) != 0) {
      return Status::IoError("symlink " + path.string());
    }
    return Status::Ok();
  }
  if (type != AE_IFREG) return Status::Ok();  // devices, FIFOs: not part of a rootfs dir
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm | 0600);
  if (fd < 0) return Status::IoError("create " + path.string() + ": " + strerror(errno));
  int r = archive_read_data_into_fd(a, fd);
  fchmod(fd, perm);
  close(fd);
  if (r != ARCHIVE_OK) return Status::Corruption("read data of " + rel);
  return Status::Ok();
}

Status UnpackOne(const char* data, size_t size, const fs::path& dir) {
  std::unique_ptr<struct archive, ReadFree> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_cpio(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_memory(a.get(), data, size) != ARCHIVE_OK) {
    return Status::Corruption(std::string("rootfs archive: ") + archive_error_string(a.get()));
  }
  archive_entry* e;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    if (Status s = WriteEntry(a.get(), e, dir); !s.ok()) return s;
  }
  if (r != ARCHIVE_EOF) {
    return Status::Corruption(std::string("rootfs archive: ") + archive_error_string(a.get()));
  }
  return Status::Ok();
}

}  // namespace

Status UnpackRootfsArchive(const fs::path& archive, const fs::path& dir) {
  std::ifstream in(archive, std::ios::binary);
  if (!in) return Status::IoError("open " + archive.string());
  std::stringstream buf;
  buf << in.rdbuf();
  std::string data = buf.str();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("create " + dir.string() + ": " + ec.message());
  bool newc = data.compare(0, 5, "07070") == 0;
  if (!newc) return UnpackOne(data.data(), data.size(), dir);
  for (auto [start, end] : SplitArchives(data)) {
    if (Status s = UnpackOne(data.data() + start, end - start, dir); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kraft
