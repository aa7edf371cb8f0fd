#include <doctest/doctest.h>

#include "vmm/fake_vmm.h"

using namespace ukc::vmm;
using std::chrono::milliseconds;

namespace {

struct Fixture {
  ManualClock clock;
  SequentialPortAllocator ports{30000, 30010};
  FakeVmm vmm{&clock, &ports};
  LaunchSpec Spec(const std::string& id) {
    LaunchSpec s;
    s.id = id;
    s.guest_ports = {8080};
    return s;
  }
};

}  // namespace

TEST_CASE("fake: starts, runs after the boot delay, stops gracefully") {
  Fixture f;
  FakeScript script;
  script.boot_delay = milliseconds(300);
  script.console = "hello\n";
  script.stop_exit_code = 143;
  f.vmm.SetDefaultScript(script);
  VmStatus st;
  REQUIRE(f.vmm.Launch(f.Spec("a"), &st).ok());
  CHECK(st.state == VmState::kStarting);
  CHECK(st.host_ports.at(8080) == 30000);
  CHECK(f.vmm.Launch(f.Spec("a"), &st).kind() == ukc::Status::Kind::kAlreadyExists);
  f.clock.Advance(milliseconds(299));
  REQUIRE(f.vmm.GetStatus("a", &st).ok());
  CHECK(st.state == VmState::kStarting);
  f.clock.Advance(milliseconds(1));
  REQUIRE(f.vmm.GetStatus("a", &st).ok());
  CHECK(st.state == VmState::kRunning);
  CHECK(st.boot_time_us == 300000);
  std::string out;
  int64_t next;
  REQUIRE(f.vmm.ReadConsole("a", 0, 100, &out, &next).ok());
  CHECK(out == "hello\n");
  CHECK(next == 6);
  CHECK(f.vmm.Release("a").kind() == ukc::Status::Kind::kInvalidArgument);
  REQUIRE(f.vmm.Stop("a").ok());
  REQUIRE(f.vmm.GetStatus("a", &st).ok());
  CHECK(st.state == VmState::kStopping);
  REQUIRE(f.vmm.Wait("a", VmState::kStopped, f.clock.Now() + milliseconds(1000), &st).ok());
  CHECK(st.stop_reason == "stopped");
  CHECK(*st.exit_code == 143);
  REQUIRE(f.vmm.Release("a").ok());
  int port;
  REQUIRE(f.ports.Allocate(&port).ok());
  CHECK(port == 30000);  // released with the VM
}

TEST_CASE("fake: scripted app exit, wait advances the manual clock") {
  Fixture f;
  FakeScript script;
  script.exit_after = milliseconds(500);
  script.exit_code = 3;
  f.vmm.SetScript("x", script);
  VmStatus st;
  REQUIRE(f.vmm.Launch(f.Spec("x"), &st).ok());
  auto t0 = f.clock.Now();
  CHECK(f.vmm.Wait("x", VmState::kStopped, t0 + milliseconds(200), &st).kind() ==
        ukc::Status::Kind::kUnavailable);
  CHECK(st.state == VmState::kRunning);
  REQUIRE(f.vmm.Wait("x", VmState::kStopped, t0 + milliseconds(5000), &st).ok());
  CHECK(st.stop_reason == "app-exit");
  CHECK(*st.exit_code == 3);
  CHECK(f.clock.Now() - t0 <= milliseconds(610));
}

TEST_CASE("fake: kill, launch errors, boot failures") {
  Fixture f;
  VmStatus st;
  REQUIRE(f.vmm.Launch(f.Spec("k"), &st).ok());
  REQUIRE(f.vmm.Kill("k").ok());
  REQUIRE(f.vmm.GetStatus("k", &st).ok());
  CHECK(st.state == VmState::kStopped);
  CHECK(st.stop_reason == "killed");
  CHECK_FALSE(st.exit_code);

  FakeScript bad;
  bad.launch_error = ukc::Status::NotFound("qemu missing");
  f.vmm.SetScript("bad", bad);
  CHECK(f.vmm.Launch(f.Spec("bad"), &st).kind() == ukc::Status::Kind::kNotFound);

  FakeScript fails;
  fails.boot_failure = "kernel panic";
  f.vmm.SetScript("bf", fails);
  REQUIRE(f.vmm.Launch(f.Spec("bf"), &st).ok());
  REQUIRE(f.vmm.Wait("bf", VmState::kRunning, f.clock.Now() + milliseconds(1000), &st).ok());
  CHECK(st.state == VmState::kStopped);
  CHECK(st.stop_reason == "boot-failed: kernel panic");
  CHECK(f.vmm.launched().size() == 2);
  CHECK(f.vmm.GetStatus("nope", &st).kind() == ukc::Status::Kind::kNotFound);
}
