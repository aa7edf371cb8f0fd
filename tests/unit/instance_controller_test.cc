// InstanceController over the FakeVmm (real threads, real clock, scripted VMs): lifecycle,
// stop reasons, restart policies, delete-on-stop, names, quotas, logs across boots, recovery.
#include "platform/instance_controller.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "store/database.h"
#include "vmm/fake_vmm.h"

using namespace ukc;
using namespace ukc::platform;
using std::chrono::milliseconds;

namespace {

class StaticImages : public ImageSource {
 public:
  Status Resolve(const std::string& user, const std::string& reference, std::string* repository,
                 std::string* digest, std::string* display) override {
    if (reference != "app:latest")
      return Status::NotFound("No image with name '" + reference + "'");
    *repository = user + "/my.app";
    *digest = "sha256:" + std::string(64, 'a');
    *display = *repository + "@" + *digest;
    return Status::Ok();
  }
  Status Load(const std::string&, const std::string&, BootImage* out) override {
    out->cmd = {"/app", "--serve"};
    return Status::Ok();
  }
};

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  vmm::SystemClock clock;
  vmm::SequentialPortAllocator ports{31000, 31100};
  vmm::FakeVmm vmm{&clock, &ports};
  StaticImages images;
  std::unique_ptr<InstanceStore> store;
  std::unique_ptr<InstanceController> controller;

  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("ukc-controller-test-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
    std::filesystem::create_directories(dir);
    REQUIRE(store::Database::Open((dir / "db.sqlite").string(), &db).ok());
    vmm::FakeScript script;
    script.boot_delay = milliseconds(5);
    script.console = "app says hi\n";
    script.stop_exit_code = 0;
    vmm.SetDefaultScript(script);
    Reopen();
  }
  ~Fixture() {
    controller.reset();
    std::filesystem::remove_all(dir);
  }
  void Reopen() {
    controller.reset();
    store = std::make_unique<InstanceStore>(db.get());
    REQUIRE(store->Init().ok());
    ControllerOptions options;
    options.instances_dir = dir / "instances";
    options.poll_interval = milliseconds(2);
    options.limits.instances = 5;
    controller = std::make_unique<InstanceController>(&vmm, &clock, store.get(), &images, options);
    REQUIRE(controller->Recover().ok());
    controller->StartThreads();
  }
  api::Instance Create(api::CreateInstanceRequest q) {
    std::vector<api::Instance> created;
    REQUIRE(controller->Create("alice", q, &created).ok());
    return created.front();
  }
  // Waits up to 2 s for `state`; returns the instance as it is then.
  api::Instance WaitFor(const std::string& uuid, const char* state) {
    std::vector<api::Instance> out;
    std::vector<bool> reached;
    controller->Wait("alice", {uuid}, state, std::chrono::steady_clock::now() + milliseconds(2000),
                     &out, &reached);
    return out.front();
  }
};

api::CreateInstanceRequest Request(bool autostart = true) {
  api::CreateInstanceRequest q;
  q.image = "app:latest";
  q.autostart = autostart;
  return q;
}

}  // namespace

TEST_CASE("controller: create → running → graceful stop → start → delete") {
  Fixture f;
  api::Instance i = f.Create(Request());
  CHECK(std::regex_match(i.name, std::regex("myapp-[a-z0-9]{5}")));
  CHECK(i.private_fqdn == i.name + ".internal");
  CHECK(i.image == "alice/my.app@sha256:" + std::string(64, 'a'));
  CHECK(i.state == "starting");
  i = f.WaitFor(i.uuid, "running");
  CHECK(i.state == "running");
  CHECK(i.start_count == 1);
  CHECK(f.vmm.launched().back().argv == std::vector<std::string>{"/app", "--serve"});

  std::string previous;
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {}, &previous, &i).ok());
  CHECK(previous == "running");
  i = f.WaitFor(i.uuid, "stopped");
  CHECK(i.state == "stopped");
  CHECK(i.stop_reason == (api::kStopUser | api::kStopPlatform | api::kStopApp | api::kStopKernel));
  CHECK(i.exit_code == 0);
  CHECK(!i.stopped_at.empty());

  REQUIRE(f.controller->Start("alice", "", i.name, &previous, &i).ok());
  CHECK(previous == "stopped");
  CHECK(i.state == "starting");
  i = f.WaitFor(i.uuid, "running");
  CHECK(i.start_count == 2);
  CHECK(!i.stop_reason.has_value());

  LogWindow log;
  REQUIRE(f.controller->ReadLog("alice", i.uuid, 0, 1000, &log).ok());
  CHECK(log.output == "app says hi\napp says hi\n");  // both boots, in order
  CHECK(log.range_end == static_cast<int64_t>(log.output.size()));
  REQUIRE(f.controller->ReadLog("alice", i.uuid, -3, 1000, &log).ok());
  CHECK(log.output == "hi\n");

  REQUIRE(f.controller->Delete("alice", i.uuid, "", &previous, &i).ok());
  CHECK(previous == "running");
  CHECK(f.controller->Get("alice", i.uuid, "", &i).kind() == Status::Kind::kNotFound);
  CHECK(f.controller->List("alice").empty());
}

TEST_CASE("controller: forced stop, and other users see nothing") {
  Fixture f;
  api::Instance i = f.WaitFor(f.Create(Request()).uuid, "running");
  std::string previous;
  CHECK(f.controller->Stop("bob", i.uuid, "", {}, &previous, &i).kind() == Status::Kind::kNotFound);
  CHECK(f.controller->List("bob").empty());
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {true, 0}, &previous, &i).ok());
  CHECK(i.state == "stopped");
  CHECK(i.stop_reason == 28);
  CHECK(!i.exit_code.has_value());
}

TEST_CASE("controller: restart policies after the app exits by itself") {
  Fixture f;
  vmm::FakeScript crashy;
  crashy.boot_delay = milliseconds(5);
  crashy.exit_after = milliseconds(5);
  crashy.exit_code = 3;
  f.vmm.SetDefaultScript(crashy);

  auto q = Request();
  q.restart_policy = "on-failure";
  api::Instance i = f.Create(q);
  // Immediately restarted once, then the back-off (5 s) holds the second restart.
  for (int n = 0; n < 200 && i.restart_count < 1; ++n) {
    std::this_thread::sleep_for(milliseconds(10));
    REQUIRE(f.controller->Get("alice", i.uuid, "", &i).ok());
  }
  CHECK(i.restart_count == 1);
  i = f.WaitFor(i.uuid, "stopped");
  CHECK(i.stop_reason == (api::kStopApp | api::kStopKernel));
  CHECK(i.exit_code == 3);
  REQUIRE(i.restart.has_value());
  CHECK(i.restart->attempt == 2);
  CHECK(!i.restart->next_at.empty());
  // A user stop aborts the sequence.
  std::string previous;
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {}, &previous, &i).ok());
  CHECK(!i.restart.has_value());

  crashy.exit_code = 0;  // on-failure does not restart a clean exit; never never does
  f.vmm.SetDefaultScript(crashy);
  api::Instance clean = f.WaitFor(f.Create(q).uuid, "stopped");
  std::this_thread::sleep_for(milliseconds(50));
  REQUIRE(f.controller->Get("alice", clean.uuid, "", &clean).ok());
  CHECK(clean.state == "stopped");
  CHECK(clean.restart_count == 0);
  CHECK(clean.exit_code == 0);
}

TEST_CASE("controller: delete-on-stop instances go away when they stop") {
  Fixture f;
  auto q = Request();
  q.features = {"delete-on-stop"};
  api::Instance i = f.WaitFor(f.Create(q).uuid, "running");
  std::string previous;
  REQUIRE(f.controller->Stop("alice", i.uuid, "", {}, &previous, &i).ok());
  for (int n = 0; n < 200 && !f.controller->List("alice").empty(); ++n) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  CHECK(f.controller->List("alice").empty());
  // Stopped before its VM ever ran (a slow boot): gone as well.
  vmm::FakeScript slow;
  slow.boot_delay = milliseconds(5000);
  f.vmm.SetDefaultScript(slow);
  api::Instance early = f.Create(q);
  REQUIRE(f.controller->Stop("alice", early.uuid, "", {}, &previous, &early).ok());
  for (int n = 0; n < 200 && !f.controller->List("alice").empty(); ++n) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  CHECK(f.controller->List("alice").empty());
  q.restart_policy = "always";
  std::vector<api::Instance> created;
  CHECK(f.controller->Create("alice", q, &created).kind() == Status::Kind::kInvalidArgument);
}

TEST_CASE("controller: names, replicas, quotas, unknown images") {
  Fixture f;
  auto q = Request(false);
  q.name = "web";
  q.replicas = 2;
  std::vector<api::Instance> created;
  REQUIRE(f.controller->Create("alice", q, &created).ok());
  REQUIRE(created.size() == 3);
  CHECK(created[0].name == "web");
  CHECK(created[1].name != created[2].name);
  CHECK(created[0].private_ip != created[1].private_ip);
  CHECK(created[0].state == "stopped");
  created.clear();
  CHECK(f.controller->Create("alice", q, &created).kind() == Status::Kind::kAlreadyExists);
  q.name = "other";
  CHECK(f.controller->Create("alice", q, &created).kind() == Status::Kind::kTooLarge);  // 3+3 > 5
  CHECK(f.controller->List("alice").size() == 3);
  q.replicas = 0;
  q.image = "nope:latest";
  CHECK(f.controller->Create("alice", q, &created).kind() == Status::Kind::kNotFound);
  q.image = "app:latest";
  q.memory_mb = 8;
  CHECK(f.controller->Create("alice", q, &created).kind() == Status::Kind::kInvalidArgument);
  CHECK(f.controller->UsageOf("alice").instances == 3);
}

TEST_CASE("controller: after a restart of the daemon, running instances are platform-stopped") {
  Fixture f;
  api::Instance running = f.WaitFor(f.Create(Request()).uuid, "running");
  api::Instance stopped = f.Create(Request(false));
  f.controller->Shutdown();
  f.Reopen();
  api::Instance i;
  REQUIRE(f.controller->Get("alice", running.uuid, "", &i).ok());
  CHECK(i.state == "stopped");
  CHECK(i.stop_reason == (api::kStopPlatform | api::kStopForced));
  CHECK(i.name == running.name);
  REQUIRE(f.controller->Get("alice", stopped.uuid, "", &i).ok());
  CHECK(i.state == "stopped");
  CHECK(!i.stop_reason.has_value());
  // The recovered instance starts again with the next boot id.
  std::string previous;
  REQUIRE(f.controller->Start("alice", running.uuid, "", &previous, &i).ok());
  i = f.WaitFor(i.uuid, "running");
  CHECK(i.start_count == 2);
}
