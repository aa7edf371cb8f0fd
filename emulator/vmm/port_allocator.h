// Host ports for hostfwd. A port handed out stays reserved until Release, so concurrent VMs
// never get the same one even before QEMU binds it.
#pragma once

#include <mutex>
#include <set>

#include "base/status.h"

namespace ukc::vmm {

class PortAllocator {
 public:
  virtual ~PortAllocator() = default;
  virtual Status Allocate(int* port) = 0;
  virtual void Release(int port) = 0;
};

// Asks the kernel for a free 127.0.0.1 port (bind to 0), skipping ports it already handed out.
// QEMU binds it a moment later; the kernel does not reuse a just-released ephemeral port soon.
class LoopbackPortAllocator : public PortAllocator {
 public:
  Status Allocate(int* port) override;
  void Release(int port) override;

 private:
  std::mutex mu_;
  std::set<int> reserved_;
};

// Deterministic ports from a range, for unit tests.
class SequentialPortAllocator : public PortAllocator {
 public:
  SequentialPortAllocator(int first, int last) : next_(first), last_(last) {}
  Status Allocate(int* port) override;
  void Release(int port) override;

 private:
  std::mutex mu_;
  int next_, last_;
  std::set<int> reserved_, free_;
};

}  // namespace ukc::vmm
