#include "build/tar_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "build/fs_copy.h"
#include "build/safe_path.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

ArchivePtr OpenReader(const fs::path& file) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_xz(a.get());
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    return ArchivePtr(nullptr, archive_read_free);
  }
  return a;
}

// The entry's path inside `dest` ("a/b"), or false when it climbs above it.
bool EntryPath(const std::string& dest, const char* name, std::string* out) {
  std::string n = name ? name : "";
  while (!n.empty() && n[0] == '/') n.erase(0, 1);
  std::string rel;
  if (!CleanRelative(n, &rel)) return false;
  *out = rel == "." ? CleanInRoot(dest) : CleanInRoot(dest + "/" + rel);
  return true;
}

Status WriteData(struct archive* a, const fs::path& host, mode_t mode) {
  int fd = open(host.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("create " + host.string() + ": " + strerror(errno));
  const void* buf;
  size_t size;
  la_int64_t offset;
  int r;
  while ((r = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
    if (pwrite(fd, buf, size, offset) != static_cast<ssize_t>(size)) {
      close(fd);
      return Status::IoError("write " + host.string() + ": " + strerror(errno));
    }
  }
  fchmod(fd, mode & 07777);
  close(fd);
  if (r != ARCHIVE_EOF) return Status::Corruption(archive_error_string(a));
  return Status::Ok();
}

Status ExtractEntry(struct archive* a, struct archive_entry* e, const fs::path& root,
                    const std::string& dest, const std::string& archive_name) {
  std::string path;
  const char* name = archive_entry_pathname(e);
  if (!EntryPath(dest, name, &path)) {
    return Status::PermissionDenied(archive_name + ": entry \"" + name +
                                    "\" points outside the destination");
  }
  mode_t type = archive_entry_filetype(e);
  mode_t mode = archive_entry_perm(e);
  fs::path host;
  if (type == AE_IFDIR) {
    Status s = MakeDirs(root, path, &host);
    if (s.ok()) chmod(host.c_str(), mode);
    if (s.ok()) (void)!lchown(host.c_str(), archive_entry_uid(e), archive_entry_gid(e));
    return s;
  }
  if (type != AE_IFREG && type != AE_IFLNK && archive_entry_hardlink(e) == nullptr) {
    return Status::Ok();  // devices, FIFOs
  }
  fs::path parent;
  std::string parent_path = fs::path(path).parent_path().string();
  Status s = MakeDirs(root, parent_path.empty() ? "/" : parent_path, &parent);
  if (!s.ok()) return s;
  host = parent / fs::path(path).filename();
  s = RemoveNonDir(host);
  if (!s.ok()) return s;
  if (const char* hl = archive_entry_hardlink(e); hl != nullptr) {
    std::string target;
    if (!EntryPath(dest, hl, &target)) {
      return Status::PermissionDenied(archive_name + ": hard link \"" + name + "\" → \"" + hl +
                                      "\" points outside the destination");
    }
    fs::path target_host;
    s = ResolveInRoot(root, target, /*follow_final=*/false, &target_host);
    if (s.ok() && link(target_host.c_str(), host.c_str()) != 0) {
      s = Status::IoError("link " + host.string() + ": " + strerror(errno));
    }
    return s;
  }
  if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(e);
    if (symlink(target ? target : "", host.c_str()) != 0) {
      return Status::IoError("symlink " + host.string() + ": " + strerror(errno));
    }
  } else {
    s = WriteData(a, host, mode);
    if (!s.ok()) return s;
    struct timespec times[2] = {{archive_entry_mtime(e), 0}, {archive_entry_mtime(e), 0}};
    utimensat(AT_FDCWD, host.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  (void)!lchown(host.c_str(), archive_entry_uid(e), archive_entry_gid(e));
  return Status::Ok();
}

}  // namespace

bool IsTarArchive(const fs::path& file) {
  ArchivePtr a = OpenReader(file);
  if (!a) return false;
  struct archive_entry* e;
  return archive_read_next_header(a.get(), &e) == ARCHIVE_OK;
}

Status ExtractTar(const fs::path& archive, const fs::path& root, const std::string& dest) {
  ArchivePtr a = OpenReader(archive);
  if (!a) return Status::Corruption(archive.string() + ": not a readable archive");
  Status s = MakeDirs(root, dest);
  if (!s.ok()) return s;
  struct archive_entry* e;
  int r;
  while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    s = ExtractEntry(a.get(), e, root, dest, archive.filename().string());
    if (!s.ok()) return s;
  }
  if (r != ARCHIVE_EOF) {
    return Status::Corruption(archive.string() + ": " + archive_error_string(a.get()));
  }
  return Status::Ok();
}

}  // namespace kraft::build
