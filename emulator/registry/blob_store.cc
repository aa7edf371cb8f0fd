#include "registry/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <thread>

#include "base/encoding.h"
#include "store/data_dir.h"

namespace ukc::registry {

namespace fs = std::filesystem;

fs::path BlobStore::PathFor(const oci::Digest& digest) const {
  return root_ / std::string(digest.AlgorithmName()) / digest.hex.substr(0, 2) / digest.hex;
}

Status BlobStore::Stat(const oci::Digest& digest, uint64_t* size) const {
  struct stat st {};
  if (::stat(PathFor(digest).c_str(), &st) != 0) return Status::NotFound(digest.ToString());
  *size = static_cast<uint64_t>(st.st_size);
  return Status::Ok();
}

Status BlobStore::Open(const oci::Digest& digest, int* fd, uint64_t* size) const {
  int f = ::open(PathFor(digest).c_str(), O_RDONLY | O_CLOEXEC);
  if (f < 0) return Status::NotFound(digest.ToString());
  struct stat st {};
  fstat(f, &st);
  *fd = f;
  *size = static_cast<uint64_t>(st.st_size);
  return Status::Ok();
}

Status BlobStore::Commit(const fs::path& temp_file, const oci::Digest& digest) {
  fs::path target = PathFor(digest);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Status::IoError("mkdir " + target.parent_path().string() + ": " + ec.message());
  if (::rename(temp_file.c_str(), target.c_str()) != 0) {
    return Status::IoError("rename into " + target.string() + ": " + strerror(errno));
  }
  return store::SyncDirectory(target.parent_path());
}

void BlobStore::PrefetchInBackground(const oci::Digest& digest) const {
  int fd = ::open(PathFor(digest).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::thread([fd] {
    // The kernel caps one WILLNEED to a readahead window (8 MiB here): walk the whole file.
    constexpr off_t kWindow = off_t{8} << 20;
    struct stat st {};
    fstat(fd, &st);
    for (off_t offset = 0; offset < st.st_size; offset += kWindow) {
      ::posix_fadvise(fd, offset, kWindow, POSIX_FADV_WILLNEED);
    }
    ::close(fd);
  }).detach();
}

Status BlobStore::Put(std::string_view content, const oci::Digest& digest) {
  fs::path target = PathFor(digest);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Status::IoError("mkdir " + target.parent_path().string() + ": " + ec.message());
  return store::WriteFileAtomically(target, std::string(content));
}

Status BlobStore::Read(const oci::Digest& digest, std::string* content) const {
  return store::ReadFile(PathFor(digest), content);
}

Status BlobStore::Remove(const oci::Digest& digest) {
  if (::unlink(PathFor(digest).c_str()) != 0 && errno != ENOENT) {
    return Status::IoError("unlink " + PathFor(digest).string() + ": " + strerror(errno));
  }
  return Status::Ok();
}

void BlobStore::ForEach(const std::function<void(const oci::Digest&)>& visit) const {
  std::error_code ec;
  for (const char* algorithm : {"sha256", "sha512"}) {
    fs::path dir = root_ / algorithm;
    if (!fs::exists(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file(ec)) continue;
      auto digest =
          oci::Digest::Parse(std::string(algorithm) + ":" + it->path().filename().string());
      if (digest) visit(*digest);
    }
  }
}

Status HashFile(const fs::path& path, oci::DigestAlgorithm algorithm, oci::Digest* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + path.string() + ": " + strerror(errno));
  oci::Hasher hasher(algorithm);
  std::unique_ptr<char[]> buffer(new char[1 << 20]);
  while (true) {
    ssize_t n = ::read(fd, buffer.get(), 1 << 20);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Status::IoError("read " + path.string() + ": " + strerror(errno));
    }
    if (n == 0) break;
    hasher.Update(buffer.get(), static_cast<size_t>(n));
  }
  ::close(fd);
  *out = hasher.Finish();
  return Status::Ok();
}

}  // namespace ukc::registry
