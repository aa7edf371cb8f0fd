#include <doctest/doctest.h>

#include <set>

#include "vmm/port_allocator.h"

TEST_CASE("ports: loopback allocator never hands out a port twice while reserved") {
  ukc::vmm::LoopbackPortAllocator ports;
  std::set<int> seen;
  for (int i = 0; i < 200; ++i) {
    int p = 0;
    REQUIRE(ports.Allocate(&p).ok());
    CHECK(p > 0);
    CHECK(seen.insert(p).second);
  }
  for (int p : seen) ports.Release(p);
}

TEST_CASE("ports: sequential allocator reuses released ports and runs out") {
  ukc::vmm::SequentialPortAllocator ports(100, 101);
  int a, b, c;
  REQUIRE(ports.Allocate(&a).ok());
  REQUIRE(ports.Allocate(&b).ok());
  CHECK(a == 100);
  CHECK(b == 101);
  CHECK(ports.Allocate(&c).kind() == ukc::Status::Kind::kUnavailable);
  ports.Release(a);
  REQUIRE(ports.Allocate(&c).ok());
  CHECK(c == 100);
}
