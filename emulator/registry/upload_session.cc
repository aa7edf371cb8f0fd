#include "registry/upload_session.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/encoding.h"
#include "registry/blob_store.h"

namespace ukc::registry {

namespace fs = std::filesystem;

namespace {
constexpr size_t kBlockSize = 1 << 20;  // multiple of every logical block size
}  // namespace

UploadSession::UploadSession(std::string id, std::string repository, fs::path file, int fd,
                             bool direct)
    : id_(std::move(id)),
      repository_(std::move(repository)),
      file_(std::move(file)),
      fd_(fd),
      direct_(direct),
      buffer_(static_cast<char*>(std::aligned_alloc(4096, kBlockSize)), &std::free),
      last_used_(std::chrono::steady_clock::now()) {}

UploadSession::~UploadSession() {
  if (fd_ >= 0) ::close(fd_);
  ::unlink(file_.c_str());  // no-op once committed (renamed away)
}

Status UploadSession::WriteBlock(const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(written_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("write upload: " + std::string(strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  written_ += size;
  return Status::Ok();
}

Status UploadSession::Append(const char* data, size_t size) {
  sha256_.Update(data, size);
  size_ += size;
  while (size > 0) {
    size_t n = std::min(size, kBlockSize - buffered_);
    memcpy(buffer_.get() + buffered_, data, n);
    buffered_ += n;
    data += n;
    size -= n;
    if (buffered_ == kBlockSize) {
      if (Status s = WriteBlock(buffer_.get(), kBlockSize); !s.ok()) return s;
      buffered_ = 0;
    }
  }
  return Status::Ok();
}

Status UploadSession::Flush() {
  if (buffered_ > 0) {
    if (direct_) {
      // The tail is not block-sized: write it through the page cache.
      int flags = fcntl(fd_, F_GETFL);
      fcntl(fd_, F_SETFL, flags & ~O_DIRECT);
      direct_ = false;
    }
    if (Status s = WriteBlock(buffer_.get(), buffered_); !s.ok()) return s;
    buffered_ = 0;
  }
  if (::fsync(fd_) != 0) return Status::IoError("fsync upload: " + std::string(strerror(errno)));
  return Status::Ok();
}

Status UploadSession::Finalize(const oci::Digest& expected) {
  if (Status s = Flush(); !s.ok()) return s;
  oci::Digest actual;
  if (expected.algorithm == oci::DigestAlgorithm::kSha256) {
    actual = sha256_.Finish();
  } else {
    Status s = HashFile(file_, expected.algorithm, &actual);
    if (!s.ok()) return s;
  }
  if (!(actual == expected)) {
    return Status::Corruption("content digest " + actual.ToString() + " does not match " +
                              expected.ToString());
  }
  return Status::Ok();
}

void UploadSessions::Clear() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) fs::remove_all(entry.path(), ec);
}

Status UploadSessions::Create(const std::string& repository, std::shared_ptr<UploadSession>* out) {
  std::string id = RandomHex(4) + "-" + RandomHex(2) + "-" + RandomHex(2) + "-" + RandomHex(2) +
                   "-" + RandomHex(6);
  fs::path file = dir_ / id;
  bool direct = true;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT, 0600);
  if (fd < 0 && errno == EINVAL) {  // e.g. tmpfs: no direct I/O
    direct = false;
    fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  if (fd < 0) return Status::IoError("create upload file: " + std::string(strerror(errno)));
  auto session = std::make_shared<UploadSession>(id, repository, file, fd, direct);
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[id] = session;
  *out = session;
  return Status::Ok();
}

std::shared_ptr<UploadSession> UploadSessions::Find(const std::string& id,
                                                    const std::string& repository) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->repository() != repository) return nullptr;
  return it->second;
}

void UploadSessions::Remove(const std::string& id) {
  std::shared_ptr<UploadSession> session;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    session = std::move(it->second);
    sessions_.erase(it);
  }
}

void UploadSessions::ExpireIdle(std::chrono::seconds idle) {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<UploadSession>> expired;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    std::unique_lock<std::mutex> busy(it->second->mutex(), std::try_to_lock);
    if (busy.owns_lock() && now - it->second->last_used() > idle) {
      busy.unlock();
      expired.push_back(std::move(it->second));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t UploadSessions::count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace ukc::registry
