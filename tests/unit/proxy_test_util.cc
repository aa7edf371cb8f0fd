// Helpers for the service proxy tests. See proxy_test_util.h.
#include "proxy_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace ukc::proxy::testing {
namespace {

int ListenLoopback(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 128)) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads until `buf` holds `marker` (returns its end) or the peer is gone (npos).
size_t ReadUntil(int fd, std::string* buf, const std::string& marker) {
  char chunk[4096];
  while (buf->find(marker) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return std::string::npos;
    buf->append(chunk, static_cast<size_t>(n));
  }
  return buf->find(marker) + marker.size();
}

bool ReadExactly(int fd, std::string* buf, size_t size) {
  char chunk[4096];
  while (buf->size() < size) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buf->append(chunk, static_cast<size_t>(n));
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

std::map<std::string, std::string> ParseHeaders(const std::string& head) {
  std::map<std::string, std::string> headers;
  size_t pos = head.find("\r\n") + 2;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t v = line.find_first_not_of(' ', colon + 1);
    headers[Lower(line.substr(0, colon))] = v == std::string::npos ? "" : line.substr(v);
  }
  return headers;
}

// Decodes a chunked body from `buf` (more bytes from `fd` as needed); false on EOF.
bool ReadChunked(int fd, std::string* buf, std::string* body) {
  while (true) {
    size_t eol = ReadUntil(fd, buf, "\r\n");
    if (eol == std::string::npos) return false;
    size_t size = std::stoul(buf->substr(0, eol - 2), nullptr, 16);
    buf->erase(0, eol);
    if (size == 0) {
      if (ReadUntil(fd, buf, "\r\n") == std::string::npos) return false;
      buf->erase(0, 2);
      return true;
    }
    if (!ReadExactly(fd, buf, size + 2)) return false;
    body->append(buf->substr(0, size));
    buf->erase(0, size + 2);
  }
}

}  // namespace

TestBackend::TestBackend(std::string name, bool raw) : name_(std::move(name)), raw_(raw) {
  listen_fd_ = ListenLoopback(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TestBackend::~TestBackend() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
}

void TestBackend::AcceptLoop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) break;
    accepted_++;
    std::lock_guard lock(mu_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] {
      raw_ ? ServeRaw(fd) : Serve(fd);
      ::close(fd);
    });
  }
}

void TestBackend::ServeRaw(int fd) {
  char chunk[4096];
  ssize_t n;
  while ((n = ::recv(fd, chunk, sizeof(chunk), 0)) > 0) {
    if (!SendAll(fd, name_ + ":" + std::string(chunk, static_cast<size_t>(n)))) return;
  }
}

void TestBackend::Serve(int fd) {
  std::string buf;
  while (true) {
    size_t end = ReadUntil(fd, &buf, "\r\n\r\n");
    if (end == std::string::npos) return;
    std::string head = buf.substr(0, end);
    buf.erase(0, end);
    auto headers = ParseHeaders(head);
    std::string target = head.substr(head.find(' ') + 1);
    target = target.substr(0, target.find(' '));
    std::string body;
    if (headers.count("content-length")) {
      size_t length = std::stoul(headers["content-length"]);
      if (!ReadExactly(fd, &buf, length)) return;
      body = buf.substr(0, length);
      buf.erase(0, length);
    } else if (headers.count("transfer-encoding") && !ReadChunked(fd, &buf, &body)) {
      return;
    }
    if (headers.count("upgrade")) {
      SendAll(fd, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + headers["upgrade"] +
                      "\r\nConnection: Upgrade\r\n\r\n");
      if (!buf.empty()) SendAll(fd, "ws:" + buf);
      char chunk[4096];
      ssize_t n;
      while ((n = ::recv(fd, chunk, sizeof(chunk), 0)) > 0) {
        SendAll(fd, "ws:" + std::string(chunk, static_cast<size_t>(n)));
      }
      return;
    }
    if (target == "/stream") {
      SendAll(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 3; i++) {
        SendAll(fd, "6\r\npart-" + std::to_string(i) + "\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      SendAll(fd, "0\r\nX-Trailer: yes\r\n\r\n");
      continue;
    }
    if (target == "/split" || target == "/split-big" || target == "/cut") {
      // The head, a pause, then the body (/cut: 3 bytes of it, then the connection ends).
      std::string out = target == "/split-big" ? std::string(20000, 'x') : "split body";
      SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(out.size()) + "\r\n\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (target == "/cut") return (void)SendAll(fd, out.substr(0, 3));
      SendAll(fd, out);
      continue;
    }
    std::string text = "name=" + name_ + ";path=" + target + ";xff=" + headers["x-forwarded-for"] +
                       ";proto=" + headers["x-forwarded-proto"] +
                       ";xhost=" + headers["x-forwarded-host"] + ";body=" + body;
    if (target.rfind("/slow", 0) == 0) {  // /slow: 300 ms; /slowN: N ms
      int ms = target.size() > 5 ? std::atoi(target.c_str() + 5) : 300;
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    if (target == "/close") {  // an HTTP/1.0-style backend: one response, then it closes
      SendAll(fd,
              "HTTP/1.0 200 OK\r\nConnection: close\r\nKeep-Alive: timeout=5\r\n"
              "Content-Length: " +
                  std::to_string(text.size()) + "\r\n\r\n" + text);
      return;
    }
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                    std::to_string(text.size()) + "\r\n\r\n" + text);
    if (Lower(headers["connection"]) == "close") return;
  }
}

int RefusedPort() {
  int port = 0;
  int fd = ListenLoopback(&port);
  ::close(fd);
  return port;
}

std::unique_ptr<Client> Client::Plain(int port) {
  auto c = std::unique_ptr<Client>(new Client);
  c->fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return nullptr;
  int one = 1;
  setsockopt(c->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  timeval tv{5, 0};
  setsockopt(c->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return c;
}

std::unique_ptr<Client> Client::Tls(int port, const std::string& sni, const std::string& ca_pem,
                                    std::string* error) {
  auto c = Plain(port);
  if (!c) return nullptr;
  c->ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(c->ctx_, ca_pem.c_str(), nullptr);
  SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER, nullptr);
  c->ssl_ = SSL_new(c->ctx_);
  if (!sni.empty()) {
    SSL_set_tlsext_host_name(c->ssl_, sni.c_str());
    SSL_set1_host(c->ssl_, sni.c_str());
  }
  SSL_set_fd(c->ssl_, c->fd_);
  if (SSL_connect(c->ssl_) != 1) {
    if (error) {
      char text[256];
      ERR_error_string_n(ERR_get_error(), text, sizeof(text));
      *error = text;
    }
    return nullptr;
  }
  return c;
}

Client::~Client() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool Client::Write(const std::string& data) {
  if (ssl_) return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) > 0;
  return SendAll(fd_, data);
}

bool Client::Fill() {
  char chunk[16384];
  int n = ssl_ ? SSL_read(ssl_, chunk, sizeof(chunk))
               : static_cast<int>(::recv(fd_, chunk, sizeof(chunk), 0));
  if (n <= 0) return false;
  buf_.append(chunk, static_cast<size_t>(n));
  return true;
}

std::string Client::ReadSome() {
  if (buf_.empty() && !Fill()) return "";
  std::string out;
  out.swap(buf_);
  return out;
}

Client::Response Client::ReadResponse(bool head_request) {
  Response r;
  while (buf_.find("\r\n\r\n") == std::string::npos) {
    if (!Fill()) return r;
  }
  size_t end = buf_.find("\r\n\r\n") + 4;
  std::string head = buf_.substr(0, end);
  buf_.erase(0, end);
  r.headers = ParseHeaders(head);
  r.version = head.substr(0, head.find(' '));
  int status = std::atoi(head.c_str() + 9);
  if (head_request || status == 101 || status == 204 || status == 304) {
    r.status = status;
    return r;
  }
  if (r.headers.count("content-length")) {
    size_t length = std::stoul(r.headers["content-length"]);
    while (buf_.size() < length) {
      if (!Fill()) return r;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
  } else if (r.headers.count("transfer-encoding")) {
    while (true) {  // chunked, decoded
      while (buf_.find("\r\n") == std::string::npos) {
        if (!Fill()) return r;
      }
      size_t eol = buf_.find("\r\n");
      size_t size = std::stoul(buf_.substr(0, eol), nullptr, 16);
      buf_.erase(0, eol + 2);
      if (size == 0) {
        while (buf_.find("\r\n\r\n") == std::string::npos && buf_.substr(0, 2) != "\r\n") {
          if (!Fill()) return r;
        }
        buf_.erase(0, buf_.substr(0, 2) == "\r\n" ? 2 : buf_.find("\r\n\r\n") + 4);
        break;
      }
      while (buf_.size() < size + 2) {
        if (!Fill()) return r;
      }
      r.body += buf_.substr(0, size);
      buf_.erase(0, size + 2);
    }
  } else {
    while (Fill()) {
    }
    r.body.swap(buf_);
  }
  r.status = status;
  return r;
}

bool Client::ClosedByPeer() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {  // skips a reply or TLS alert first
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char chunk[4096];
    if (::recv(fd_, chunk, sizeof(chunk), 0) <= 0) return true;
  }
  return false;
}

Client::Response Get(int port, const std::string& host, const std::string& path) {
  auto c = Client::Plain(port);
  if (!c) return {};
  c->Write("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  return c->ReadResponse();
}

void CountingEvents::ConnectionOpened(const std::string& uuid) {
  std::lock_guard lock(mu_);
  opened_[uuid]++;
}

void CountingEvents::ConnectionClosed(const std::string& uuid) {
  std::lock_guard lock(mu_);
  closed_[uuid]++;
}

void CountingEvents::ExchangeStarted(const std::string& uuid) {
  std::lock_guard lock(mu_);
  started_[uuid]++;
}

void CountingEvents::ExchangeFinished(const std::string& uuid) {
  std::lock_guard lock(mu_);
  finished_[uuid]++;
}

int CountingEvents::exchanges_started(const std::string& uuid) {
  std::lock_guard lock(mu_);
  return started_[uuid];
}

int CountingEvents::exchanges_finished(const std::string& uuid) {
  std::lock_guard lock(mu_);
  return finished_[uuid];
}

Status CountingEvents::Wake(const std::string& group_uuid, int destination_port,
                            std::chrono::steady_clock::time_point deadline, ServiceRoute* route) {
  wakes++;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // "boots"
  for (auto& r : table_->All()) {
    if (r.group_uuid != group_uuid) continue;
    for (auto& b : r.backends) b.running = true;
    table_->Put(r);
    *route = r;
    return Status::Ok();
  }
  return Status::Unavailable("no such group");
}

int CountingEvents::opened(const std::string& uuid) {
  std::lock_guard lock(mu_);
  return opened_[uuid];
}

int CountingEvents::closed(const std::string& uuid) {
  std::lock_guard lock(mu_);
  return closed_[uuid];
}

ServiceRoute MakeRoute(const std::string& uuid, const std::string& fqdn,
                       std::vector<api::ServicePort> ports, const std::vector<int>& backend_ports,
                       bool running) {
  ServiceRoute route;
  route.group_uuid = uuid;
  route.group_name = "svc-" + uuid;
  route.fqdns = {fqdn};
  route.ports = std::move(ports);
  for (size_t i = 0; i < backend_ports.size(); i++) {
    route.backends.push_back(
        {uuid + "-i" + std::to_string(i), {{8080, backend_ports[i]}}, running});
  }
  return route;
}

namespace {
std::filesystem::path TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ukc-proxy-test-XXXXXX").string();
  return mkdtemp(pattern.data());
}
}  // namespace

ProxyFixture::ProxyFixture() : dir(TempDir()), ca(dir / "ca") {
  Status s = ca.Open();
  if (!s.ok()) throw std::runtime_error(s.ToString());
  ServiceProxyOptions options;
  options.http_address = options.tls_address = "127.0.0.1:0";
  options.connect_timeout = std::chrono::milliseconds(500);
  options.wake_timeout = std::chrono::milliseconds(5000);
  proxy = std::make_unique<ServiceProxy>(&table, &events, &ca, options);
  s = proxy->Start();
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

ProxyFixture::~ProxyFixture() {
  proxy->Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace ukc::proxy::testing
