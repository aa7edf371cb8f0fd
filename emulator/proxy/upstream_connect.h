// What every proxy session shares (ProxyShared), and UpstreamConnect: one attempt to attach a
// client connection to a backend of a route — the balancer's pick, a parked connection to it from
// the io thread's UpstreamPool when there is one, else a TCP connect with a timeout, fail-over to
// the other running backends (a refused backend is skipped for a while), and, when no running
// backend listens on the port but one may soon (standby members of a route that scales to zero,
// or members still booting or not listening yet), a Wake through the Waker that holds the
// connection until one listens.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>

#include "proxy/load_balancer.h"
#include "proxy/route_table.h"
#include "proxy/upstream_pool.h"
#include "proxy/waker.h"

namespace ukc::proxy {

struct ProxyShared {
  RouteTable* routes = nullptr;
  LoadBalancer* balancer = nullptr;
  Waker* waker = nullptr;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds idle_timeout{120000};  // no progress on a connection: close it
  int redirect_tls_port = 443;                     // port in redirect Locations (443: none)
};

class UpstreamConnect : public std::enable_shared_from_this<UpstreamConnect> {
 public:
  // ok (kReused: a parked connection) / 503 none running / 502 none answered / 503 every running
  // one at its hard limit
  enum class Outcome { kConnected, kReused, kUnavailable, kFailed, kFull };
  // The route as the attempt ended with it (after a wake: the woken instance running), and for
  // kUnavailable why no instance could take the connection.
  using Done =
      std::function<void(Outcome, const BackendPick&, const ServiceRoute&, const std::string&)>;

  // Connects `*socket` (owned by the caller, who keeps it alive until `done`) to a backend
  // serving published `port` of `route`, picked `by` connections or requests; `pool` (may be
  // null) is asked first. On kConnected/kReused the pick is confirmed in the balancer and the
  // caller must Release it when the client connection leaves the backend; the pick's first
  // exchange has begun too (the caller ends it with ExchangeFinished).
  static void Start(const ProxyShared* shared, boost::asio::ip::tcp::socket* socket,
                    ServiceRoute route, int port, Balance by, UpstreamPool* pool, Done done);

 private:
  UpstreamConnect(const ProxyShared* shared, boost::asio::ip::tcp::socket* socket,
                  ServiceRoute route, int port, Balance by, UpstreamPool* pool, Done done);
  void Next();
  void OnConnected(const boost::system::error_code& ec);
  void Finish(Outcome outcome, const std::string& why = "");

  const ProxyShared* shared_;
  boost::asio::ip::tcp::socket* socket_;
  ServiceRoute route_;
  int port_, destination_port_;
  Balance by_;
  UpstreamPool* pool_;
  Done done_;
  boost::asio::steady_timer timer_;
  std::set<std::string> failed_;
  BackendPick pick_;
  bool woken_ = false, timed_out_ = false;
};

}  // namespace ukc::proxy
