#include "pkg/cpio_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "oci/digest.h"

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using Entry = std::unique_ptr<archive_entry, EntryFree>;

// One newc archive being written to a temp file next to `out`.
class CpioSink {
 public:
  explicit CpioSink(fs::path out) : out_(std::move(out)) {
    temp_ = out_;
    temp_ += ".tmp." + std::to_string(getpid());
  }
  ~CpioSink() {
    if (a_) archive_write_free(a_);
    if (fd_ >= 0) close(fd_);
    std::error_code ec;
    if (!done_) fs::remove(temp_, ec);
  }

  Status Open() {
    std::error_code ec;
    fs::create_directories(out_.parent_path(), ec);
    fd_ = open(temp_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::IoError("create " + temp_.string() + ": " + strerror(errno));
    a_ = archive_write_new();
    archive_write_set_format_cpio_newc(a_);
    archive_write_add_filter_none(a_);
    archive_write_set_bytes_per_block(a_, 0);
    if (archive_write_open_fd(a_, fd_) != ARCHIVE_OK) return Error("open cpio");
    return Status::Ok();
  }

  // Writes `entry` (normalised here) and, for regular files with data, `data_fd`'s bytes.
  Status Add(archive_entry* entry, int data_fd) {
    archive_entry_set_uid(entry, 0);
    archive_entry_set_gid(entry, 0);
    archive_entry_set_uname(entry, nullptr);
    archive_entry_set_gname(entry, nullptr);
    archive_entry_set_mtime(entry, 0, 0);
    archive_entry_unset_atime(entry);
    archive_entry_unset_ctime(entry);
    archive_entry_unset_birthtime(entry);
    archive_entry_set_dev(entry, 0);
    if (archive_entry_ino(entry) == 0) archive_entry_set_ino(entry, ++next_ino_);
    if (archive_write_header(a_, entry) != ARCHIVE_OK) return Error("write cpio header");
    ++entries_;
    if (data_fd < 0) return Status::Ok();
    std::vector<char> buf(1 << 20);
    for (;;) {
      ssize_t n = read(data_fd, buf.data(), buf.size());
      if (n == 0) return Status::Ok();
      if (n < 0) return Status::IoError(std::string("read: ") + strerror(errno));
      if (archive_write_data(a_, buf.data(), n) != n) return Error("write cpio data");
    }
  }
  int64_t NextIno() { return ++next_ino_; }

  Status Finish(CpioResult* result) {
    if (archive_write_close(a_) != ARCHIVE_OK) return Error("close cpio");
    off_t end = lseek(fd_, 0, SEEK_END);
    size_t pad = (512 - end % 512) % 512;
    std::vector<char> zeros(pad, 0);
    if (pad && write(fd_, zeros.data(), pad) != static_cast<ssize_t>(pad)) {
      return Status::IoError("pad cpio: " + std::string(strerror(errno)));
    }
    if (fsync(fd_) != 0) return Status::IoError("fsync " + temp_.string());
    result->entries = entries_;
    if (Status s = FileDigest(temp_, &result->digest, &result->size); !s.ok()) return s;
    std::error_code ec;
    fs::rename(temp_, out_, ec);
    if (ec) return Status::IoError("rename into " + out_.string() + ": " + ec.message());
    done_ = true;
    return Status::Ok();
  }

 private:
  Status Error(const std::string& what) {
    const char* m = archive_error_string(a_);
    return Status::IoError(what + ": " + (m ? m : "libarchive error"));
  }
  fs::path out_, temp_;
  int fd_ = -1;
  struct archive* a_ = nullptr;
  int64_t next_ino_ = 0;
  uint64_t entries_ = 0;
  bool done_ = false;
};

// "./a/b", "a/b", "/a/b/" → "/a/b"; "" for the root.
std::string AbsoluteName(std::string name) {
  while (name.starts_with("./")) name.erase(0, 2);
  while (name.starts_with("/")) name.erase(0, 1);
  while (name.ends_with("/")) name.pop_back();
  if (name.empty() || name == ".") return "";
  return "/" + name;
}

bool IsSpecial(mode_t type) {
  return S_ISCHR(type) || S_ISBLK(type) || S_ISFIFO(type) || S_ISSOCK(type);
}

}  // namespace

Status FileDigest(const fs::path& file, std::string* digest, uint64_t* size) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + file.string() + ": " + strerror(errno));
  ukc::oci::Hasher hasher;
  std::vector<char> buf(1 << 20);
  uint64_t total = 0;
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) > 0) {
    hasher.Update(buf.data(), n);
    total += n;
  }
  close(fd);
  if (n < 0) return Status::IoError("read " + file.string());
  *digest = hasher.Finish().ToString();
  if (size) *size = total;
  return Status::Ok();
}

bool IsCpioFile(const fs::path& file) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char m[6] = {};
  bool ok = read(fd, m, 6) == 6 && (!memcmp(m, "070701", 6) || !memcmp(m, "070702", 6));
  close(fd);
  return ok;
}

Status WriteCpioFromDirectory(const fs::path& dir, const fs::path& out, CpioResult* result) {
  *result = CpioResult{};
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Status::NotFound("rootfs " + dir.string() + " is not a directory");
  std::vector<std::string> names;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    names.push_back(it->path().lexically_relative(dir).generic_string());
  }
  if (ec) return Status::IoError("walk " + dir.string() + ": " + ec.message());
  std::sort(names.begin(), names.end());
  // Hard links: how many names each (dev, ino) has inside the tree.
  std::map<std::pair<dev_t, ino_t>, std::pair<int, int64_t>> links;  // → count, assigned ino
  for (const std::string& name : names) {
    struct stat st {};
    if (lstat((dir / name).c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1) {
      links[{st.st_dev, st.st_ino}].first++;
    }
  }
  CpioSink sink(out);
  if (Status s = sink.Open(); !s.ok()) return s;
  for (const std::string& name : names) {
    fs::path path = dir / name;
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return Status::IoError("stat " + path.string());
    if (IsSpecial(st.st_mode)) {
      result->warnings.push_back("skipping special file /" + name);
      continue;
    }
    Entry e(archive_entry_new());
    archive_entry_copy_stat(e.get(), &st);
    archive_entry_set_pathname(e.get(), ("/" + name).c_str());
    archive_entry_set_ino(e.get(), 0);
    archive_entry_set_nlink(e.get(), S_ISDIR(st.st_mode) ? 2 : 1);
    if (S_ISDIR(st.st_mode)) archive_entry_set_size(e.get(), 0);
    int fd = -1;
    if (S_ISLNK(st.st_mode)) {
      archive_entry_set_symlink(e.get(), fs::read_symlink(path, ec).c_str());
    } else if (S_ISREG(st.st_mode)) {
      auto link = links.find({st.st_dev, st.st_ino});
      bool first = true;
      if (link != links.end() && link->second.first > 1) {
        first = link->second.second == 0;
        if (first) link->second.second = sink.NextIno();
        archive_entry_set_ino(e.get(), link->second.second);
        archive_entry_set_nlink(e.get(), link->second.first);
      }
      if (!first) archive_entry_set_size(e.get(), 0);
      if (first && (fd = open(path.c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
        return Status::IoError("open " + path.string() + ": " + strerror(errno));
      }
    }
    Status s = sink.Add(e.get(), fd);
    if (fd >= 0) close(fd);
    if (!s.ok()) return s;
  }
  return sink.Finish(result);
}

namespace {

struct ReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using Reader = std::unique_ptr<struct archive, ReadFree>;

Status OpenTarball(const fs::path& tarball, Reader* out) {
  out->reset(archive_read_new());
  archive_read_support_filter_all(out->get());
  archive_read_support_format_tar(out->get());
  archive_read_support_format_gnutar(out->get());
  if (archive_read_open_filename(out->get(), tarball.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Status::InvalidArgument("rootfs " + tarball.string() +
                                   " is not a tarball: " + archive_error_string(out->get()));
  }
  return Status::Ok();
}

// Pass 1: how many names each hard-link target has (itself + every link to it).
Status CountTarLinks(const fs::path& tarball, std::map<std::string, int>* links) {
  Reader a;
  if (Status s = OpenTarball(tarball, &a); !s.ok()) return s;
  archive_entry* entry;
  int r;
  while ((r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    if (const char* target = archive_entry_hardlink(entry)) {
      int& n = (*links)[AbsoluteName(target)];
      n = n == 0 ? 2 : n + 1;
    }
  }
  if (r != ARCHIVE_EOF)
    return Status::Corruption("read " + tarball.string() + ": " + archive_error_string(a.get()));
  return Status::Ok();
}

}  // namespace

Status WriteCpioFromTarball(const fs::path& tarball, const fs::path& out, CpioResult* result) {
  *result = CpioResult{};
  std::map<std::string, int> links;
  if (Status s = CountTarLinks(tarball, &links); !s.ok()) return s;
  std::map<std::string, int64_t> inos;
  Reader a;
  if (Status s = OpenTarball(tarball, &a); !s.ok()) return s;
  CpioSink sink(out);
  if (Status s = sink.Open(); !s.ok()) return s;
  fs::path data = out;
  data += ".entry." + std::to_string(getpid());
  archive_entry* entry;
  int r;
  while ((r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    std::string name = AbsoluteName(archive_entry_pathname(entry));
    if (name.empty()) continue;
    if (IsSpecial(archive_entry_filetype(entry))) {
      result->warnings.push_back("skipping special file " + name);
      continue;
    }
    Entry e(archive_entry_clone(entry));
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_ino(e.get(), 0);
    archive_entry_set_nlink(e.get(), archive_entry_filetype(entry) == AE_IFDIR ? 2 : 1);
    bool has_data = archive_entry_filetype(entry) == AE_IFREG;
    if (const char* target = archive_entry_hardlink(entry)) {
      std::string t = AbsoluteName(target);
      archive_entry_set_hardlink(e.get(), nullptr);
      archive_entry_set_filetype(e.get(), AE_IFREG);
      archive_entry_set_size(e.get(), 0);
      archive_entry_set_ino(e.get(), inos.count(t) ? inos[t] : sink.NextIno());
      archive_entry_set_nlink(e.get(), links[t]);
      has_data = false;
    } else if (auto link = links.find(name); link != links.end() && has_data) {
      inos[name] = sink.NextIno();
      archive_entry_set_ino(e.get(), inos[name]);
      archive_entry_set_nlink(e.get(), link->second);
    }
    int fd = -1;
    if (has_data) {  // libarchive cannot copy between archives directly: spool through a file
      fd = open(data.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || archive_read_data_into_fd(a.get(), fd) != ARCHIVE_OK) {
        if (fd >= 0) close(fd);
        unlink(data.c_str());
        return Status::Corruption("read " + name + " from " + tarball.string());
      }
      lseek(fd, 0, SEEK_SET);
    }
    Status s = sink.Add(e.get(), fd);
    if (fd >= 0) close(fd);
    if (!s.ok()) {
      unlink(data.c_str());
      return s;
    }
  }
  unlink(data.c_str());
  if (r != ARCHIVE_EOF) {
    return Status::Corruption("read " + tarball.string() + ": " + archive_error_string(a.get()));
  }
  return sink.Finish(result);
}

}  // namespace kraft
