#include "archive/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace ukc::archive {
namespace {

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;

Status CopyData(struct archive* a, int fd, const std::filesystem::path& out_path) {
  const void* buffer;
  size_t size;
  la_int64_t offset;
  for (;;) {
    int r = archive_read_data_block(a, &buffer, &size, &offset);
    if (r == ARCHIVE_EOF) return Status::Ok();
    if (r != ARCHIVE_OK) return Status::Corruption(std::string("tar: ") + archive_error_string(a));
    if (lseek(fd, offset, SEEK_SET) < 0) return Status::IoError("seek " + out_path.string());
    for (size_t done = 0; done < size;) {
      ssize_t n = write(fd, static_cast<const char*>(buffer) + done, size - done);
      if (n < 0) return Status::IoError("write " + out_path.string());
      done += static_cast<size_t>(n);
    }
  }
}

}  // namespace

Status ExtractSingleFile(const std::filesystem::path& tar_path,
                         const std::filesystem::path& out_path, std::string* entry_name) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_all(a.get());
  if (archive_read_open_filename(a.get(), tar_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Status::Corruption("not a tar archive: " + std::string(archive_error_string(a.get())));
  }
  int files = 0;
  struct archive_entry* entry;
  for (;;) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return Status::Corruption("not a tar archive: " + std::string(archive_error_string(a.get())));
    }
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (type != AE_IFREG) return Status::Corruption("tar entry is not a regular file: " + name);
    if (++files > 1)
      return Status::Corruption("tar holds more than one file (second: " + name + ")");
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError("cannot create " + out_path.string());
    Status s = CopyData(a.get(), fd, out_path);
    off_t size = archive_entry_size(entry);
    if (s.ok() && ftruncate(fd, size) != 0) s = Status::IoError("truncate " + out_path.string());
    if (s.ok() && fsync(fd) != 0) s = Status::IoError("fsync " + out_path.string());
    close(fd);
    if (!s.ok()) return s;
    if (entry_name) *entry_name = name;
  }
  if (files == 0) return Status::Corruption("tar holds no regular file");
  return Status::Ok();
}

}  // namespace ukc::archive
