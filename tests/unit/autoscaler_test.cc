// The autoscale driver over a fake AutoscaleTarget and a fake clock: scale up at once, warmup
// between scale-ups, scale down after the cooldown (newest clones first, never the master or the
// user's instances), idle clones deleted, max_size counting idle instances, resets and deleted
// groups, the driver thread.
#include "platform/autoscaler.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "store/database.h"

using namespace ukc;
using namespace ukc::platform;

namespace {

class FakeTarget : public AutoscaleTarget {
 public:
  std::mutex mu;
  GroupLoad group{"g1", {"master", "user-1"}, {}, 0};
  std::vector<std::string> removed;
  int next = 1;

  std::vector<GroupLoad> Loads() override {
    std::lock_guard lock(mu);
    return {group};
  }
  Status AddInstance(const std::string& user, const std::string& group_uuid,
                     const std::string& master, std::string* uuid) override {
    std::lock_guard lock(mu);
    CHECK(user == "alice");
    CHECK(group_uuid == "g1");
    CHECK(master == "master");
    *uuid = "clone-" + std::to_string(next++);
    group.running.push_back(*uuid);
    return Status::Ok();
  }
  Status RemoveInstance(const std::string& user, const std::string& uuid) override {
    std::lock_guard lock(mu);
    for (auto* v : {&group.running, &group.idle})
      v->erase(std::remove(v->begin(), v->end(), uuid), v->end());
    removed.push_back(uuid);
    return Status::Ok();
  }
  size_t Running() {
    std::lock_guard lock(mu);
    return group.running.size();
  }
};

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<AutoscaleStore> store;
  std::unique_ptr<AutoscaleRegistry> registry;
  FakeTarget target;
  int64_t now = 0;
  bool group_exists = true;
  std::unique_ptr<Autoscaler> scaler;

  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("ukc-autoscaler-test-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
    std::filesystem::create_directories(dir);
    REQUIRE(store::Database::Open((dir / "db.sqlite").string(), &db).ok());
    store = std::make_unique<AutoscaleStore>(db.get());
    REQUIRE(store->Init().ok());
    registry = std::make_unique<AutoscaleRegistry>(store.get());
    api::AutoscaleConfig c;
    c.uuid = "g1";
    c.name = "web";
    c.min_size = 1;
    c.max_size = 5;
    c.warmup_time_ms = 1000;
    c.cooldown_time_ms = 2000;
    c.master = {"master", "m"};
    REQUIRE(registry->Create("alice", c).ok());
    AutoscalerOptions options;
    options.now_ms = [this] { return now; };
    options.group_exists = [this](const std::string&, const std::string&) { return group_exists; };
    options.interval = std::chrono::milliseconds(10);
    scaler = std::make_unique<Autoscaler>(registry.get(), &target, options);
  }
  ~Fixture() {
    scaler.reset();
    std::filesystem::remove_all(dir);
  }
  void TickAt(int64_t t, int64_t connections) {
    now = t;
    target.group.connections = connections;
    scaler->Tick();
  }
  std::vector<std::string> Created() { return registry->Snapshot().at(0).created; }
};

}  // namespace

TEST_CASE("autoscaler: up at once, warmup, cooldown, newest clones first") {
  Fixture f;
  f.TickAt(0, 0);
  CHECK(f.target.Running() == 2);  // demand 1 < 2 running, but nothing it created to remove
  f.TickAt(100, 4);
  CHECK(f.target.Running() == 4);  // 4 connections, 1 per instance: two clones at once
  CHECK(f.Created() == std::vector<std::string>{"clone-1", "clone-2"});
  f.TickAt(600, 5);
  CHECK(f.target.Running() == 4);  // warming up (1000 ms since the last scale-up)
  f.TickAt(1100, 9);
  CHECK(f.target.Running() == 5);  // warmup over; capped at max_size 5
  f.TickAt(1200, 0);
  f.TickAt(3000, 0);
  CHECK(f.target.Running() == 5);  // no demand since 1100, cooldown 2000: not yet
  f.TickAt(3100, 0);
  CHECK(f.target.Running() == 2);  // the three clones go, newest first; master and user stay
  CHECK(f.target.removed == std::vector<std::string>{"clone-3", "clone-2", "clone-1"});
  CHECK(f.Created().empty());
  f.TickAt(9000, 0);
  CHECK(f.target.Running() == 2);
}

TEST_CASE("autoscaler: idle clones, max_size with idle instances, reset, deleted group") {
  Fixture f;
  f.target.group.idle = {"user-2", "user-3"};  // the user's stopped instances count towards max
  f.TickAt(0, 10);
  CHECK(f.target.Running() == 3);  // 2 running + 2 idle + 1 clone = max_size 5
  CHECK(f.Created() == std::vector<std::string>{"clone-1"});
  {
    std::lock_guard lock(f.target.mu);
    f.target.group.running.erase(
        std::find(f.target.group.running.begin(), f.target.group.running.end(), "clone-1"));
    f.target.group.idle.push_back("clone-1");  // it stopped
  }
  f.TickAt(5000, 10);
  CHECK(std::count(f.target.removed.begin(), f.target.removed.end(), "clone-1") == 1);
  CHECK(f.Created() == std::vector<std::string>{"clone-2"});  // replaced at once

  api::AutoscaleConfig c;
  REQUIRE(f.registry->Delete("alice", "g1", &c).ok());  // reset: its clones are deleted
  f.TickAt(6000, 10);
  CHECK(f.target.removed.back() == "clone-2");
  CHECK(f.target.Running() == 2);

  REQUIRE(f.registry->Create("alice", c).ok());
  f.group_exists = false;  // the group was deleted: the configuration goes
  f.TickAt(7000, 10);
  CHECK(f.registry->Snapshot().empty());
}

TEST_CASE("autoscaler: the driver thread ticks on its own") {
  Fixture f;
  f.target.group.connections = 3;
  f.scaler->Start();
  for (int n = 0; n < 200 && f.target.Running() < 3; ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  f.scaler->Stop();
  CHECK(f.target.Running() == 3);
}
