#include "vmm/launch_params.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "store/data_dir.h"

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

}  // namespace

Status WriteLaunchFiles(const LaunchSpec& spec, const std::filesystem::path& dir,
                        std::vector<FwCfgFile>* files) {
  for (const auto& e : spec.env) {
    if (e.find('=') == std::string::npos || e.front() == '=') {
      return Status::InvalidArgument("env entry '" + e + "' is not KEY=VALUE");
    }
  }
  std::vector<std::pair<std::string, std::string>> params;
  if (!spec.argv.empty()) params.emplace_back("argv", NulJoined(spec.argv));
  if (!spec.env.empty()) params.emplace_back("env", NulJoined(spec.env));
  if (!spec.cwd.empty()) params.emplace_back("cwd", spec.cwd + "\n");
  params.emplace_back("stop_timeout_ms", std::to_string(spec.stop_timeout.count()) + "\n");
  if (!spec.guest_ports.empty()) {
    std::string ports;
    for (int port : spec.guest_ports) ports += std::to_string(port) + "\n";
    params.emplace_back("ports", ports);  // ukc-init reports when the app listens on each
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
  files->clear();
  for (const auto& [name, content] : params) {
    auto path = dir / name;
    if (Status s = store::WriteFileAtomically(path, content); !s.ok()) return s;
    files->push_back({"opt/ukc/" + name, path});
  }
  return Status::Ok();
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

int MinimumMemoryMb(uint64_t initrd_bytes) {
  uint64_t initrd_mb = (initrd_bytes + (1 << 20) - 1) >> 20;
  return static_cast<int>(68 + 2 * initrd_mb);
}

int RoomyMemoryMb(uint64_t initrd_bytes) {
  uint64_t initrd_mb = (initrd_bytes + (1 << 20) - 1) >> 20;
  return static_cast<int>(68 + 3 * initrd_mb);
}

}  // namespace ukc::vmm
