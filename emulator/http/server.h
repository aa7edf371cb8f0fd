// A small HTTP/1.1 server on Boost.Beast: one acceptor thread, one thread per connection
// (blocking I/O), keep-alive, streamed request bodies. A connection that sends nothing for the
// idle timeout (default 60 s) between requests is closed, and its thread ends. Stop() closes the
// listener and every open connection, so handlers blocked reading a body see an error, then
// waits for them to finish.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "base/status.h"
#include "http/exchange.h"

namespace ukc::http {

class Server {
 public:
  using Handler = std::function<void(Exchange&)>;

  // `name` prefixes log lines ("registry", "api").
  Server(std::string name, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds "host:port" (port 0 = any free port).
  Status Listen(const std::string& address);
  // "host:port" actually bound.
  std::string address() const { return address_; }
  // How long a connection may wait for its next request; set before Start().
  void SetIdleTimeout(std::chrono::milliseconds timeout) { idle_timeout_ = timeout; }
  void Start();
  void Stop();

 private:
  friend class Connection;
  void AcceptLoop();
  void Register(int fd);
  void Unregister(int fd);

  std::string name_;
  Handler handler_;
  std::string address_;
  std::chrono::milliseconds idle_timeout_{60000};
  int listen_fd_ = -1;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable idle_;
  std::set<int> connections_;
};

// Splits "host:port"; false when malformed.
bool SplitHostPort(const std::string& address, std::string* host, int* port);

}  // namespace ukc::http
