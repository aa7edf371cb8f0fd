#include "vmm/initrd_overlay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "oci/digest.h"
#include "store/data_dir.h"

namespace ukc::vmm {
namespace fs = std::filesystem;

namespace {

// Appends `in`'s bytes to `out_fd`, then zeros up to the next 512-byte boundary.
Status AppendPadded(int out_fd, const fs::path& in, uint64_t* written) {
  int fd = open(in.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("open " + in.string() + ": " + strerror(errno));
  std::vector<char> buf(1 << 20);
  Status s;
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0 || write(out_fd, buf.data(), n) != n) {
      s = Status::IoError("copy " + in.string() + ": " + strerror(errno));
      break;
    }
    *written += n;
  }
  close(fd);
  if (!s.ok()) return s;
  size_t pad = (512 - *written % 512) % 512;
  std::vector<char> zeros(pad, 0);
  if (pad && write(out_fd, zeros.data(), pad) != static_cast<ssize_t>(pad)) {
    return Status::IoError("pad overlay initrd: " + std::string(strerror(errno)));
  }
  *written += pad;
  return Status::Ok();
}

}  // namespace

bool IsErofsImage(const fs::path& file) {
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char magic[4] = {};
  bool erofs = pread(fd, magic, 4, 1024) == 4 && magic[0] == 0xe2 && magic[1] == 0xe1 &&
               magic[2] == 0xf5 && magic[3] == 0xe0;
  close(fd);
  return erofs;
}

Status CheckBootableInitrd(const fs::path& file) {
  if (IsErofsImage(file)) {
    return Status::InvalidArgument(
        "EROFS initrds are not bootable in ukc-emu yet (package the rootfs as cpio)");
  }
  return Status::Ok();
}

Status OverlayInitrds(const std::vector<fs::path>& parts, const std::vector<std::string>& keys,
                      const fs::path& cache_dir, fs::path* out) {
  std::string joined;
  for (const std::string& key : keys) joined += key + "\n";
  fs::path dir = cache_dir / ("overlay-" + oci::Digest::Sha256Of(joined).hex);
  *out = dir / "initrd";
  std::error_code ec;
  if (fs::exists(*out, ec)) return Status::Ok();
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
  fs::path temp = dir / ("initrd.tmp." + std::to_string(getpid()));
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("create " + temp.string() + ": " + strerror(errno));
  uint64_t written = 0;
  Status s;
  for (const fs::path& part : parts) {
    s = AppendPadded(fd, part, &written);
    if (!s.ok()) break;
  }
  if (s.ok() && fsync(fd) != 0) s = Status::IoError("fsync " + temp.string());
  close(fd);
  if (s.ok()) {
    fs::rename(temp, *out, ec);
    if (ec) s = Status::IoError("rename into " + out->string() + ": " + ec.message());
  }
  if (s.ok()) s = store::SyncDirectory(dir);
  if (!s.ok()) fs::remove(temp, ec);
  return s;
}

}  // namespace ukc::vmm
