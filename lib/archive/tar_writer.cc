#include "archive/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace ukc::archive {
namespace {

// Where libarchive's output goes: a file descriptor, hashed on the way.
struct Sink {
  int fd = -1;
  uint64_t size = 0;
  oci::Hasher hasher;
  int error = 0;
};

la_ssize_t WriteCallback(struct archive*, void* data, const void* buffer, size_t length) {
  auto* sink = static_cast<Sink*>(data);
  const char* p = static_cast<const char*>(buffer);
  size_t left = length;
  while (left > 0) {
    ssize_t n = ::write(sink->fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      sink->error = errno ? errno : EIO;
      return -1;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  sink->hasher.Update(buffer, length);
  sink->size += length;
  return static_cast<la_ssize_t>(length);
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

Status ArchiveError(struct archive* a, const std::string& what) {
  const char* message = archive_error_string(a);
  return Status::IoError(what + ": " + (message ? message : "libarchive error"));
}

// Copies `in_fd` (`size` bytes) into the open archive entry.
Status CopyData(struct archive* a, int in_fd, uint64_t size, const std::string& input) {
  std::vector<char> buffer(1 << 20);
  uint64_t copied = 0;
  while (copied < size) {
    ssize_t n = ::read(in_fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("read " + input + ": " + std::strerror(errno));
    if (n == 0) return Status::IoError(input + " shrank while being archived");
    if (archive_write_data(a, buffer.data(), static_cast<size_t>(n)) != n) {
      return ArchiveError(a, "write tar data");
    }
    copied += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status WriteArchive(int in_fd, uint64_t size, const std::string& input,
                    const std::string& entry_name, int mode, Sink* sink) {
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_write_new());
  archive_write_set_format_ustar(a.get());
  archive_write_add_filter_none(a.get());
  if (archive_write_open2(a.get(), sink, nullptr, WriteCallback, nullptr, nullptr) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "open tar");
  }
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), entry_name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), static_cast<mode_t>(mode));
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_mtime(entry.get(), 0, 0);
  if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "write tar header");
  }
  if (Status s = CopyData(a.get(), in_fd, size, input); !s.ok()) return s;
  if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), "close tar");
  return Status::Ok();
}

}  // namespace

Status WriteSingleFileTar(const std::filesystem::path& input, const std::string& entry_name,
                          const std::filesystem::path& output, TarFileResult* result, int mode) {
  int in_fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd < 0) return Status::IoError("open " + input.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(in_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(in_fd);
    return Status::InvalidArgument(input.string() + " is not a regular file");
  }
  std::filesystem::path temp = output;
  temp += ".tmp";
  Sink sink;
  sink.fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (sink.fd < 0) {
    ::close(in_fd);
    return Status::IoError("create " + temp.string() + ": " + std::strerror(errno));
  }
  Status s = WriteArchive(in_fd, static_cast<uint64_t>(st.st_size), input.string(), entry_name,
                          mode, &sink);
  ::close(in_fd);
  if (s.ok() && sink.error)
    s = Status::IoError("write " + temp.string() + ": " + std::strerror(sink.error));
  if (s.ok() && ::fsync(sink.fd) != 0) s = Status::IoError("fsync " + temp.string());
  ::close(sink.fd);
  std::error_code ec;
  if (s.ok()) {
    std::filesystem::rename(temp, output, ec);
    if (ec) s = Status::IoError("rename " + temp.string() + ": " + ec.message());
  }
  if (!s.ok()) {
    std::filesystem::remove(temp, ec);
    return s;
  }
  result->size = sink.size;
  result->digest = sink.hasher.Finish();
  return Status::Ok();
}

}  // namespace ukc::archive
