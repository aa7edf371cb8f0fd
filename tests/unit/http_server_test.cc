// http::Server over real loopback sockets: keep-alive, and the idle timeout that closes a
// connection (and ends its thread) when no request comes.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "http/server.h"

using namespace std::chrono_literals;

namespace {

int Connect(const std::string& address) {
  std::string host;
  int port = 0;
  REQUIRE(ukc::http::SplitHostPort(address, &host, &port));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Reads until `until` is in what came, the peer closes, or 5 s pass.
std::string ReadUntil(int fd, const std::string& until) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got.find(until) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

// Milliseconds until the server closes `fd` (reads return 0), or -1 after 5 s.
long MillisUntilClosed(int fd) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 5s) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[256];
    if (::recv(fd, buf, sizeof buf, 0) <= 0) {
      return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
    }
  }
  return -1;
}

// The server (idle timeout 400 ms) closes `fd` after about that long, not at once nor never.
void CheckClosedByIdleTimeout(int fd) {
  long closed_after = MillisUntilClosed(fd);
  CHECK(closed_after >= 300);
  CHECK(closed_after < 2000);
  ::close(fd);
}

bool SendAll(int fd, const std::string& data) {
  return ::send(fd, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size());
}

const std::string kGet = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";

}  // namespace

TEST_CASE("http server: keep-alive connections stay while used, close once idle") {
  ukc::http::Server server("test", [](ukc::http::Exchange& ex) { ex.Respond(200, {}, "pong"); });
  REQUIRE(server.Listen("127.0.0.1:0").ok());
  server.SetIdleTimeout(400ms);
  server.Start();

  SUBCASE("requests spaced below the timeout share one connection") {
    int fd = Connect(server.address());
    for (int i = 0; i < 4; i++) {
      REQUIRE(SendAll(fd, kGet));
      std::string reply = ReadUntil(fd, "pong");
      CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
      CHECK(reply.find("pong") != std::string::npos);
      std::this_thread::sleep_for(200ms);
    }
    ::close(fd);
  }

  SUBCASE("an idle keep-alive connection is closed after the timeout") {
    int fd = Connect(server.address());
    REQUIRE(SendAll(fd, kGet));
    CHECK(ReadUntil(fd, "pong").find("pong") != std::string::npos);
    CheckClosedByIdleTimeout(fd);
  }

  SUBCASE("a connection that never sends a request is closed too") {
    CheckClosedByIdleTimeout(Connect(server.address()));
  }

  SUBCASE("a request split across the timeout's start is still answered") {
    int fd = Connect(server.address());
    REQUIRE(SendAll(fd, kGet.substr(0, 10)));
    std::this_thread::sleep_for(100ms);
    REQUIRE(SendAll(fd, kGet.substr(10)));
    CHECK(ReadUntil(fd, "pong").find("pong") != std::string::npos);
    ::close(fd);
  }
  server.Stop();
}
