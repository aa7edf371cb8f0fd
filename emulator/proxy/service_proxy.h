// ServiceProxy: puts the instances' services on "the Internet". It listens on the HTTP address
// (stands for port 80), the TLS address (stands for 443) and, for every other port the routes
// publish, on the same port number of the bind host when it is ≥ 1024 and free, else on an
// ephemeral port (ListenPortFor tells). Listeners follow the route table: SyncListeners runs as
// the table's observer, so a port is listened on once its route is put. Connections are handled by
// ClientSession (TLS/SNI, HTTP reverse proxy, redirect, raw splice) on a pool of io_context
// threads; backends are chosen per request by fewest requests in flight (HTTP) or per connection
// by fewest connections (TCP), idle backend connections parked per io thread for reuse;
// scale-to-zero routes are woken through RouteEvents::Wake.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "proxy/certificate_authority.h"
#include "proxy/client_session.h"
#include "proxy/io_threads.h"
#include "proxy/load_balancer.h"
#include "proxy/route_table.h"
#include "proxy/tls_contexts.h"
#include "proxy/waker.h"

namespace ukc::proxy {

struct ServiceProxyOptions {
  std::string http_address = "127.0.0.1:7480";  // port 0: ephemeral (tests)
  std::string tls_address = "127.0.0.1:7443";
  std::string bind_host = "127.0.0.1";  // for the other published ports
  int threads = DefaultIoThreads();
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds dead_backend_skip{3000};
  // How long a connection is held for an instance to wake, boot or start listening (then 503).
  std::chrono::milliseconds wake_timeout{60000};
  std::chrono::milliseconds idle_timeout{120000};
};

class ServiceProxy {
 public:
  ServiceProxy(RouteTable* routes, RouteEvents* events, CertificateAuthority* ca,
               ServiceProxyOptions options = {});
  ~ServiceProxy();
  ServiceProxy(const ServiceProxy&) = delete;
  ServiceProxy& operator=(const ServiceProxy&) = delete;

  // Binds the HTTP and TLS listeners (and the routes' ports) and starts the threads.
  Status Start();
  void Stop();

  int http_port() const { return http_port_; }
  int tls_port() const { return tls_port_; }
  // The local port standing for published `port` (80 → HTTP, 443 → TLS); 0 when none.
  int ListenPortFor(int published_port) const;
  const LoadBalancer& balancer() const { return *balancer_; }

 private:
  struct Listener;
  // Opens/closes/retypes the listeners of the ports the routes publish (the table's observer).
  void SyncListeners();
  Status OpenListener(int published_port, const std::string& host, int port, ListenerMode mode,
                      std::shared_ptr<Listener>* out);
  void Accept(const std::shared_ptr<Listener>& listener);
  void OnAccepted(const std::shared_ptr<Listener>& listener, UpstreamPool* pool,
                  boost::asio::ip::tcp::socket socket);

  RouteTable* routes_;
  CertificateAuthority* ca_;
  ServiceProxyOptions options_;
  std::unique_ptr<LoadBalancer> balancer_;
  std::unique_ptr<Waker> waker_;
  std::unique_ptr<TlsContexts> tls_;
  ProxyShared shared_;

  std::vector<std::unique_ptr<boost::asio::io_context>> ios_;
  std::vector<std::unique_ptr<UpstreamPool>> pools_;  // one per io_context, used on its thread
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_io_{0};
  int http_port_ = 0, tls_port_ = 0;
  bool started_ = false;

  mutable std::mutex mu_;
  std::map<int, std::shared_ptr<Listener>> listeners_;  // by published port
};

}  // namespace ukc::proxy
