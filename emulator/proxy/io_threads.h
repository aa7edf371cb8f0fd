// DefaultIoThreads: how many io threads the service proxy runs unless told: a quarter of the
// cores, at least 1. The proxy shares the machine with the guests, the clients and the backends,
// and one event loop takes many events per wakeup: on 2 cores a second loop doubled the context
// switches per request (0.95 → 2.2) and served fewer requests (bench/proxy.sh).
#pragma once

#include <algorithm>
#include <thread>

namespace ukc::proxy {

inline int DefaultIoThreads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 4);
}

}  // namespace ukc::proxy
