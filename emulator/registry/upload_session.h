// Blob upload sessions: a temp file under registry/uploads/ that grows with each PATCH while a
// SHA-256 is computed on the fly. Finalize fsyncs and checks the digest; only then can the file
// be committed to the BlobStore. Sessions do not survive a restart (leftover files are removed).
// Data is written with O_DIRECT in 1 MiB aligned blocks where the filesystem allows it: copying
// blobs through the page cache costs several times more CPU than the rest of an upload.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "oci/digest.h"

namespace ukc::registry {

class UploadSession {
 public:
  UploadSession(std::string id, std::string repository, std::filesystem::path file, int fd,
                bool direct);
  ~UploadSession();

  const std::string& id() const { return id_; }
  const std::string& repository() const { return repository_; }
  const std::filesystem::path& file() const { return file_; }
  uint64_t size() const { return size_; }
  // Serializes requests on one session.
  std::mutex& mutex() { return mutex_; }

  Status Append(const char* data, size_t size);
  // Writes what is still buffered (the tail) and fsyncs; idempotent.
  Status Flush();
  // fsyncs the file and checks it hashes to `expected` (Corruption when not).
  Status Finalize(const oci::Digest& expected);
  // A failed request leaves the session unusable; it is then removed.
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }
  std::chrono::steady_clock::time_point last_used() const { return last_used_; }
  void Touch() { last_used_ = std::chrono::steady_clock::now(); }

 private:
  std::string id_;
  std::string repository_;
  std::filesystem::path file_;
  Status WriteBlock(const char* data, size_t size);

  int fd_;
  bool direct_;
  uint64_t size_ = 0;     // bytes received
  uint64_t written_ = 0;  // bytes on disk
  std::unique_ptr<char, void (*)(void*)> buffer_;
  size_t buffered_ = 0;
  oci::Hasher sha256_;
  bool broken_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_used_;
};

class UploadSessions {
 public:
  explicit UploadSessions(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // Removes files left by an earlier run.
  void Clear();
  Status Create(const std::string& repository, std::shared_ptr<UploadSession>* out);
  // The session `id` of `repository`, or null.
  std::shared_ptr<UploadSession> Find(const std::string& id, const std::string& repository);
  // Forgets the session and deletes its file (unless it was committed).
  void Remove(const std::string& id);
  // Removes sessions idle for longer than `idle`.
  void ExpireIdle(std::chrono::seconds idle);
  size_t count();

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<UploadSession>> sessions_;
};

}  // namespace ukc::registry
