#include "store/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/encoding.h"

namespace ukc::store {

namespace fs = std::filesystem;

fs::path DataDir::DefaultRoot() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "ukc-emu";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".local" / "share" / "ukc-emu";
}

Status DataDir::Create() const {
  std::error_code ec;
  for (const auto& dir : {root_, blobs(), uploads(), run()}) {
    fs::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
  }
  return Status::Ok();
}

Status DataDir::LockForDaemon() {
  int fd = ::open(lock_file().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::IoError("cannot open " + lock_file().string() + ": " + strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Unavailable("another ukc-emu is already running with data dir " +
                               root_.string());
  }
  lock_fd_ = fd;
  return Status::Ok();
}

Status SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + dir.string() + ": " + strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError("fsync " + dir.string() + ": " + strerror(errno));
}

Status WriteFileAtomically(const fs::path& path, const std::string& content) {
  fs::path temp = path;
  temp += ".tmp-" + RandomHex(6);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("create " + temp.string() + ": " + strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return Status::IoError("write " + temp.string() + ": " + strerror(err));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return Status::IoError("fsync " + temp.string() + ": " + strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return Status::IoError("rename " + path.string() + ": " + strerror(err));
  }
  return SyncDirectory(path.parent_path());
}

Status ReadFile(const fs::path& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *content = buffer.str();
  return Status::Ok();
}

}  // namespace ukc::store
