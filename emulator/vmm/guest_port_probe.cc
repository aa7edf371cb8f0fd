#include "vmm/guest_port_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ukc::vmm {

bool GuestPortListening(int host_port, std::chrono::milliseconds settle) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(host_port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool listening = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    pollfd p{fd, POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(settle.count()));
    if (n == 0) {
      listening = true;  // held open: the guest accepted
    } else if (n > 0) {
      char byte;
      listening = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;  // a banner: listening
    }
  }
  close(fd);
  return listening;
}

}  // namespace ukc::vmm
