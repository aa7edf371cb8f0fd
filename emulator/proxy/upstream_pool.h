// UpstreamPool: one io thread's idle keep-alive backend connections, by backend (nginx's upstream
// `keepalive`). An HTTP client connection whose next request goes to another instance parks its
// backend connection here and takes one for the new pick before connecting anew; a client that
// leaves parks its backend connection too. Parked connections are not the instance's connections
// (ConnectionClosed was reported; scale-to-zero may park the instance under them). Take hands out
// the newest one still usable: idle for less than `max_idle` and, by a peek, neither closed by the
// backend nor holding bytes nobody asked for. A timer closes those idle for `max_idle` (an app
// that serves one connection at a time must not wait on a parked one for long). At most
// `max_per_backend` per backend (the oldest go). Not thread-safe: one pool per io thread, used on
// that thread only; destroy it before its io_context.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "proxy/load_balancer.h"

namespace ukc::proxy {

class UpstreamPool {
 public:
  explicit UpstreamPool(const boost::asio::any_io_executor& executor,
                        std::chrono::milliseconds max_idle = std::chrono::seconds(4),
                        size_t max_per_backend = 32)
      : max_idle_(max_idle), max_per_backend_(max_per_backend), expiry_(executor) {}

  void Park(const BackendPick& pick, boost::asio::ip::tcp::socket socket);
  std::optional<boost::asio::ip::tcp::socket> Take(const BackendPick& pick);
  size_t idle() const;  // parked connections, usable or not
  void Clear();         // closes them all (before the io_context goes)

 private:
  using Key = std::pair<std::string, int>;  // instance uuid, host port
  struct Parked {
    boost::asio::ip::tcp::socket socket;
    std::chrono::steady_clock::time_point since;
  };
  void DropExpired(std::chrono::steady_clock::time_point now);
  void ArmExpiry();  // for the oldest parked connection, unless armed

  std::chrono::milliseconds max_idle_;
  size_t max_per_backend_;
  std::map<Key, std::deque<Parked>> parked_;
  boost::asio::steady_timer expiry_;
  bool expiry_armed_ = false;
};

}  // namespace ukc::proxy
