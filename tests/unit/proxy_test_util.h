// Helpers for the service proxy tests: blocking HTTP/raw backends on 127.0.0.1 ephemeral ports,
// a plain or TLS (OpenSSL, verifying against the local CA) client, a response reader, and a
// RouteEvents that counts connections and "starts" standby backends when woken.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "proxy/certificate_authority.h"
#include "proxy/route_table.h"
#include "proxy/service_proxy.h"

namespace ukc::proxy::testing {

// An HTTP/1.1 backend: answers "name=<name>;path=<target>;xff=…;proto=…;xhost=…;body=<body>"
// (after 300 ms for /slow, N ms for /slowN),
// streams a chunked body for /stream, sends the head and (after 300 ms) the body separately for
// /split (10 bytes) and /split-big (20,000), only 3 of 10 body bytes for /cut, switches to echo
// after a 101 for Upgrade requests; in raw mode it echoes bytes prefixed by "<name>:" per read.
class TestBackend {
 public:
  explicit TestBackend(std::string name, bool raw = false);
  ~TestBackend();
  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void AcceptLoop();
  void Serve(int fd);
  void ServeRaw(int fd);

  std::string name_;
  bool raw_;
  int listen_fd_ = -1, port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A port on 127.0.0.1 where nothing listens (connections are refused).
int RefusedPort();

class Client {
 public:
  // Plain TCP, or TLS with `sni` (empty: none) verified against `ca_pem` for `verify_host`.
  static std::unique_ptr<Client> Plain(int port);
  static std::unique_ptr<Client> Tls(int port, const std::string& sni, const std::string& ca_pem,
                                     std::string* error = nullptr);
  ~Client();
  bool Write(const std::string& data);
  // Reads what is available (blocks for the first byte, up to ~5 s); "" on EOF/error/timeout.
  std::string ReadSome();
  // Reads one response; status 0 when the connection ended first.
  struct Response {
    int status = 0;
    std::string version;                         // "HTTP/1.1" …
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
  };
  Response ReadResponse(bool head_request = false);
  // True when the peer closed (EOF or reset) within ~2 s.
  bool ClosedByPeer();

 private:
  bool Fill();
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buf_;
};

// One request on a fresh connection.
Client::Response Get(int port, const std::string& host, const std::string& path = "/");

class CountingEvents : public RouteEvents {
 public:
  explicit CountingEvents(RouteTable* table = nullptr) : table_(table) {}
  void ConnectionOpened(const std::string& uuid) override;
  void ConnectionClosed(const std::string& uuid) override;
  void ExchangeStarted(const std::string& uuid) override;
  void ExchangeFinished(const std::string& uuid) override;
  void WakeAnother(const std::string& group_uuid) override { wake_anothers++; }
  // Marks every backend of the group running in the table and returns the route.
  Status Wake(const std::string& group_uuid, int destination_port,
              std::chrono::steady_clock::time_point deadline, ServiceRoute* route) override;
  int opened(const std::string& uuid);
  int closed(const std::string& uuid);
  int exchanges_started(const std::string& uuid);
  int exchanges_finished(const std::string& uuid);
  std::atomic<int> wakes{0}, wake_anothers{0};

 private:
  RouteTable* table_;
  std::mutex mu_;
  std::map<std::string, int> opened_, closed_, started_, finished_;
};

// The plain-HTTP tests' service: its FQDN and its port 80 (http, to 8080).
inline const std::string kAppHost = "app.local.localhost";
inline const api::ServicePort kHttp80{80, 8080, {"http"}};

// A route for `fqdn` with the given published ports and backends (running, destination 8080).
ServiceRoute MakeRoute(const std::string& uuid, const std::string& fqdn,
                       std::vector<api::ServicePort> ports, const std::vector<int>& backend_ports,
                       bool running = true);

// A started ServiceProxy on ephemeral ports with its own CA in a temporary directory.
struct ProxyFixture {
  ProxyFixture();
  ~ProxyFixture();
  std::string ca_pem() const { return ca.cert_path().string(); }
  std::filesystem::path dir;
  CertificateAuthority ca;
  RouteTable table;
  CountingEvents events{&table};
  std::unique_ptr<ServiceProxy> proxy;
};

}  // namespace ukc::proxy::testing
