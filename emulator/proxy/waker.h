// Waker: runs the blocking RouteEvents::Wake off the proxy's io threads. Connections that wait
// for the same service group and port share one Wake call; each gets the outcome posted to its own
// executor. Stop() waits for the running calls (each bounded by its deadline).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "proxy/route_table.h"

namespace ukc::proxy {

class Waker {
 public:
  using Callback = std::function<void(Status, const ServiceRoute&)>;
  Waker(RouteEvents* events, std::chrono::milliseconds timeout, int threads = 2);
  ~Waker();

  void Wake(const std::string& group_uuid, int destination_port,
            boost::asio::any_io_executor executor, Callback done);
  void Stop();

 private:
  struct Waiter {
    boost::asio::any_io_executor executor;
    Callback done;
  };
  void Run(const std::string& group_uuid, int destination_port);

  RouteEvents* events_;
  std::chrono::milliseconds timeout_;
  boost::asio::thread_pool pool_;
  std::mutex mu_;
  std::map<std::pair<std::string, int>, std::vector<Waiter>> waiting_;  // by group uuid and port
};

}  // namespace ukc::proxy
