#include "vmm/port_allocator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ukc::vmm {
namespace {

int KernelFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

Status LoopbackPortAllocator::Allocate(int* port) {
  std::lock_guard lock(mu_);
  for (int attempt = 0; attempt < 64; ++attempt) {
    int p = KernelFreePort();
    if (p < 0) return Status::Unavailable("no free TCP port on 127.0.0.1");
    if (reserved_.insert(p).second) {
      *port = p;
      return Status::Ok();
    }
  }
  return Status::Unavailable("no free TCP port on 127.0.0.1 (all recently handed out)");
}

void LoopbackPortAllocator::Release(int port) {
  std::lock_guard lock(mu_);
  reserved_.erase(port);
}

Status SequentialPortAllocator::Allocate(int* port) {
  std::lock_guard lock(mu_);
  if (!free_.empty()) {
    *port = *free_.begin();
    free_.erase(free_.begin());
  } else if (next_ <= last_) {
    *port = next_++;
  } else {
    return Status::Unavailable("port range exhausted");
  }
  reserved_.insert(*port);
  return Status::Ok();
}

void SequentialPortAllocator::Release(int port) {
  std::lock_guard lock(mu_);
  if (reserved_.erase(port)) free_.insert(port);
}

}  // namespace ukc::vmm
