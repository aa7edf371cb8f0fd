#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "http/connection.h"
#include "log.h"

namespace ukc::http {

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  if (host->empty()) *host = "127.0.0.1";
  try {
    size_t used = 0;
    *port = std::stoi(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1) return false;
  } catch (...) {
    return false;
  }
  return *port >= 0 && *port <= 65535;
}

Server::Server(std::string name, Handler handler)
    : name_(std::move(name)), handler_(std::move(handler)) {}

Server::~Server() { Stop(); }

Status Server::Listen(const std::string& address) {
  std::string host;
  int port = 0;
  if (!SplitHostPort(address, &host, &port)) {
    return Status::InvalidArgument("bad listen address " + address + " (want host:port)");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (host == "localhost") host = "127.0.0.1";
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Status::InvalidArgument("bad listen host " + host + " (want an IPv4 address)");
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 512) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IoError(name_ + ": cannot listen on " + address + ": " + strerror(err));
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  address_ = host + ":" + std::to_string(ntohs(addr.sin_port));
  listen_fd_ = fd;
  return Status::Ok();
}

void Server::Start() {
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

void Server::AcceptLoop() {
  while (!stopping_) {
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (stopping_) break;
      if (errno == EMFILE || errno == ENFILE) {
        Log(LogLevel::kWarn, name_ + ": out of file descriptors, pausing accept");
        usleep(100000);
        continue;
      }
      break;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char ip[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
    std::string peer_name = std::string(ip) + ":" + std::to_string(ntohs(peer.sin_port));
    Register(fd);
    std::thread([this, fd, peer_name] {
      {
        Connection connection(this, fd, peer_name);
        connection.Run(handler_);
      }
      Unregister(fd);
    }).detach();
  }
}

void Server::Register(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  connections_.insert(fd);
}

void Server::Unregister(int fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  connections_.erase(fd);
  if (connections_.empty()) idle_.notify_all();
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  std::unique_lock<std::mutex> lock(mutex_);
  for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
  idle_.wait(lock, [this] { return connections_.empty(); });
}

}  // namespace ukc::http
