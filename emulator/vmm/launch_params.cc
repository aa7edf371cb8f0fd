#include "vmm/launch_params.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "archive/cpio_writer.h"

namespace ukc::vmm {
namespace {

std::string NulJoined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    out += item;
    out.push_back('\0');
  }
  return out;
}

Status WriteAll(int fd, const char* data, size_t size, const std::filesystem::path& path) {
  for (size_t done = 0; done < size;) {
    ssize_t n = write(fd, data + done, size - done);
    if (n < 0) return Status::IoError("write " + path.string() + ": " + strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status CopyInto(int in, int out, uint64_t size, const std::filesystem::path& path) {
  for (uint64_t left = size; left > 0;) {
    ssize_t n = copy_file_range(in, nullptr, out, nullptr, left, 0);
    if (n <= 0) return Status::IoError("copy " + path.string() + ": " + strerror(errno));
    left -= static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Status BuildLaunchCpio(const LaunchSpec& spec, std::string* cpio) {
  std::vector<archive::CpioEntry> entries = {{"ukc", "", true}};
  for (const auto& e : spec.env) {
    if (e.find('=') == std::string::npos || e.front() == '=') {
      return Status::InvalidArgument("env entry '" + e + "' is not KEY=VALUE");
    }
  }
  if (!spec.argv.empty()) entries.push_back({"ukc/argv", NulJoined(spec.argv)});
  if (!spec.env.empty()) entries.push_back({"ukc/env", NulJoined(spec.env)});
  if (!spec.cwd.empty()) entries.push_back({"ukc/cwd", spec.cwd + "\n"});
  entries.push_back({"ukc/stop_timeout_ms", std::to_string(spec.stop_timeout.count()) + "\n"});
  return archive::WriteNewcCpio(entries, cpio);
}

Status CheckInitrd(const std::filesystem::path& initrd) {
  int fd = open(initrd.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("initrd " + initrd.string() + ": " + strerror(errno));
  unsigned char m[6] = {};
  ssize_t n = read(fd, m, sizeof(m));
  close(fd);
  if (n == 6 && (memcmp(m, "070701", 6) == 0 || memcmp(m, "070702", 6) == 0)) return Status::Ok();
  const std::vector<std::vector<unsigned char>> compressed = {
      {0x1f, 0x8b}, {0x1f, 0x9e}, {'B', 'Z', 'h'},          {0xfd, '7', 'z', 'X', 'Z'},
      {0x5d, 0x00}, {0x02, 0x21}, {0x04, 0x22, 0x4d, 0x18}, {0x28, 0xb5, 0x2f, 0xfd}};
  for (const auto& magic : compressed) {
    if (static_cast<size_t>(n) >= magic.size() && memcmp(m, magic.data(), magic.size()) == 0) {
      return Status::Ok();
    }
  }
  return Status::Corruption("initrd " + initrd.filename().string() +
                            " is neither a cpio archive nor a compressed one (bad magic)");
}

Status WriteInstanceInitrd(const std::filesystem::path& image_initrd,
                           const std::string& launch_cpio, const std::filesystem::path& out) {
  int in = open(image_initrd.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::NotFound("initrd " + image_initrd.string() + ": " + strerror(errno));
  struct stat st {};
  fstat(in, &st);
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    close(in);
    return Status::IoError("create " + out.string() + ": " + strerror(errno));
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  Status s = CopyInto(in, fd, size, image_initrd);
  std::string tail((4 - size % 4) % 4, '\0');
  tail += launch_cpio;
  if (s.ok()) s = WriteAll(fd, tail.data(), tail.size(), out);
  close(in);
  close(fd);
  return s;
}

int MinimumMemoryMb(uint64_t initrd_bytes) {
  uint64_t initrd_mb = (initrd_bytes + (1 << 20) - 1) >> 20;
  return static_cast<int>(68 + 2 * initrd_mb);
}

}  // namespace ukc::vmm
