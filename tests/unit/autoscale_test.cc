// Autoscale: the wire types (strict parsing, policy rules), the registry (durability, policy
// limits, resets handing instances out for removal), the decision function (a table of cases)
// and the driver over a fake AutoscaleTarget and a fake clock.
#include "api/autoscale.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "platform/autoscale_registry.h"
#include "platform/autoscaler.h"
#include "store/database.h"

using namespace ukc;
using namespace ukc::platform;
using nlohmann::json;

namespace {

api::AutoscalePolicy Parse(const json& j) {
  api::AutoscalePolicy p;
  std::string error;
  REQUIRE(api::ParseAutoscalePolicy(j, &p, &error));
  return p;
}

std::string CheckOf(const json& j) { return api::CheckAutoscalePolicy(Parse(j)); }

}  // namespace

TEST_CASE("autoscale wire: strict create request and policy rules") {
  api::CreateAutoscaleRequest q;
  std::string error, unsupported;
  json body = json::parse(R"({"uuid":"u","min_size":1,"max_size":4,"warmup_time_ms":500,
    "cooldown_time_ms":2000,"master":{"name":"m"},"policies":[{"name":"p","type":"step",
    "metric":"cpu","adjustment_type":"percent","steps":[{"adjustment":50,"lower_bound":500}]}]})");
  REQUIRE(api::ParseCreateAutoscaleRequest(body, &q, &error, &unsupported));
  CHECK(q.service.uuid == "u");
  CHECK(*q.max_size == 4);
  CHECK(q.master->name == "m");
  CHECK(q.policies.at(0).steps.at(0).lower_bound == 500);
  CHECK(!q.policies[0].steps[0].upper_bound);

  for (const char* bad : {R"({"bogus":1})", R"({"min_size":"1"})", R"({"master":{"id":"x"}})",
                          R"({"max_size":1.5})", R"({"policies":[{"name":"p","steps":[{"x":1}]}]})",
                          R"({"min_size":99999999999})", R"([])"}) {
    api::CreateAutoscaleRequest r;
    CHECK_MESSAGE(!api::ParseCreateAutoscaleRequest(json::parse(bad), &r, &error, &unsupported),
                  bad);
  }
  api::CreateAutoscaleRequest roms;
  unsupported.clear();
  REQUIRE(api::ParseCreateAutoscaleRequest(json::parse(R"({"create_args":{"roms":{}}})"), &roms,
                                           &error, &unsupported));
  CHECK(unsupported == "create_args.roms");

  CHECK(CheckOf(R"({"name":"p","type":"on_demand"})"_json) == "");
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"inflight_reqs","adjustment_type":"exact",
    "steps":[{"adjustment":1,"upper_bound":10},{"adjustment":2,"lower_bound":10,"upper_bound":20},
    {"adjustment":3,"lower_bound":20}]})"_json) == "");
  CHECK(CheckOf(R"({"type":"on_demand"})"_json) != "");  // no name
  CHECK(CheckOf(R"({"name":"p","type":"idle"})"_json) != "");
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"ram","steps":[{"upper_bound":1}]})"_json) !=
        "");
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"cpu","steps":[]})"_json) != "");
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"cpu","steps":[{"adjustment":1}]})"_json) !=
        "");  // both bounds absent
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"cpu",
    "steps":[{"lower_bound":5,"upper_bound":5}]})"_json) != "");
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"cpu",
    "steps":[{"upper_bound":5},{"lower_bound":6}]})"_json) != "");  // gap
  CHECK(CheckOf(R"({"name":"p","type":"step","metric":"cpu",
    "steps":[{"lower_bound":1},{"lower_bound":6}]})"_json) != "");  // unbounded before last
}

TEST_CASE("autoscale wire: rendering and the G1 request text") {
  api::AutoscalePolicy p = Parse(R"({"name":"scale-out","type":"step","metric":"cpu",
    "adjustment_type":"percent","steps":[{"adjustment":50,"lower_bound":500,"upper_bound":700},
    {"adjustment":100,"lower_bound":700}]})"_json);
  CHECK(api::ToWireText(p) ==
        R"({"name":"scale-out","type":"step","metric":"cpu","adjustment_type":"percent",)"
        R"("steps":[{"adjustment":50,"lower_bound":500,"upper_bound":700},)"
        R"({"adjustment":100,"lower_bound":700}]})");
  api::CreateAutoscaleRequest q;
  q.service.uuid = "g";
  q.max_size = 10;
  q.warmup_time_ms = 1000;
  q.master = api::ObjectRef{"", "m"};
  CHECK(api::ToWireText(q) ==
        R"({"uuid":"g","max_size":10,"warmup_time_ms":1000,"master":{"name":"m"}})");

  api::AutoscaleConfig c;
  c.uuid = "g";
  c.name = "web";
  json off = api::ToJson(c);
  CHECK(!off.contains("min_size"));
  CHECK(!off.contains("master"));
  c.enabled = true;
  c.master = {"i", "m"};
  c.master_key = "template";
  c.policies = {p};
  json on = api::ToJson(c);
  CHECK(on["template"]["name"] == "m");
  CHECK(on["max_size"] == 4);
  api::AutoscaleConfig back = api::AutoscaleConfigFromJson(on);
  CHECK(back.master_key == "template");
  CHECK(back.policies.at(0).steps.at(1).lower_bound == 700);
}

namespace {

struct RegistryFixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<AutoscaleStore> store;
  std::unique_ptr<AutoscaleRegistry> registry;

  RegistryFixture() {
    dir = std::filesystem::temp_directory_path() /
          ("ukc-autoscale-test-" + std::to_string(getpid()) + "-" + std::to_string(rand()));
    std::filesystem::create_directories(dir);
    REQUIRE(store::Database::Open((dir / "db.sqlite").string(), &db).ok());
    Reopen();
  }
  ~RegistryFixture() { std::filesystem::remove_all(dir); }
  void Reopen() {
    registry.reset();
    store = std::make_unique<AutoscaleStore>(db.get());
    REQUIRE(store->Init().ok());
    registry = std::make_unique<AutoscaleRegistry>(store.get());
    REQUIRE(registry->Load().ok());
  }
};

api::AutoscaleConfig Config(const std::string& group, int min, int max) {
  api::AutoscaleConfig c;
  c.uuid = group;
  c.name = "svc-" + group;
  c.min_size = min;
  c.max_size = max;
  c.master = {"master-" + group, "m"};
  return c;
}

}  // namespace

TEST_CASE("autoscale registry: configurations, policies, resets, durability") {
  RegistryFixture f;
  REQUIRE(f.registry->Create("alice", Config("g1", 1, 4)).ok());
  CHECK(f.registry->Create("alice", Config("g1", 1, 4)).kind() == Status::Kind::kAlreadyExists);
  api::AutoscaleConfig c;
  CHECK(f.registry->Get("bob", "g1", &c).kind() == Status::Kind::kNotFound);  // per user
  REQUIRE(f.registry->Get("alice", "g1", &c).ok());
  CHECK(c.enabled);

  api::AutoscalePolicy p = Parse(R"({"name":"p0","type":"on_demand"})"_json);
  REQUIRE(f.registry->AddPolicy("alice", "g1", p).ok());
  CHECK(f.registry->AddPolicy("alice", "g1", p).kind() == Status::Kind::kAlreadyExists);
  for (int n = 1; n < api::kMaxAutoscalePolicies; ++n) {
    p.name = "p" + std::to_string(n);
    REQUIRE(f.registry->AddPolicy("alice", "g1", p).ok());
  }
  p.name = "one-too-many";
  CHECK(f.registry->AddPolicy("alice", "g1", p).kind() == Status::Kind::kTooLarge);
  CHECK(f.registry->DeletePolicy("alice", "g1", "p3").ok());
  CHECK(f.registry->DeletePolicy("alice", "g1", "p3").kind() == Status::Kind::kNotFound);
  CHECK(f.registry->AddPolicy("alice", "g2", p).kind() == Status::Kind::kNotFound);

  REQUIRE(f.registry->RecordCreated("g1", "clone-1").ok());
  REQUIRE(f.registry->RecordCreated("g1", "clone-2").ok());
  f.Reopen();  // everything above was stored
  REQUIRE(f.registry->Get("alice", "g1", &c).ok());
  CHECK(c.policies.size() == size_t{api::kMaxAutoscalePolicies - 1});
  CHECK(f.registry->Snapshot().at(0).created == std::vector<std::string>{"clone-1", "clone-2"});

  f.registry->ForgetInstance("clone-1");
  REQUIRE(f.registry->Delete("alice", "g1", &c).ok());  // reset: clone-2 is to be removed
  auto removals = f.registry->TakeRemovals();
  REQUIRE(removals.size() == 1);
  CHECK(removals[0].instance_uuid == "clone-2");
  CHECK(removals[0].user == "alice");
  CHECK(f.registry->TakeRemovals().empty());

  REQUIRE(f.registry->Create("alice", Config("g3", 1, 4)).ok());
  REQUIRE(f.registry->RecordCreated("g3", "clone-3").ok());
  f.registry->ForgetInstance("master-g3");  // deleting the master resets the configuration
  CHECK(f.registry->Get("alice", "g3", &c).kind() == Status::Kind::kNotFound);
  CHECK(f.registry->TakeRemovals().size() == 1);
  REQUIRE(f.registry->Create("alice", Config("g4", 1, 4)).ok());
  f.registry->DropGroup("g4");
  f.Reopen();
  CHECK(f.registry->List("alice").empty());
}

TEST_CASE("autoscale decision: DesiredInstances") {
  struct Case {
    const char* what;
    int min, max, running;
    int64_t connections;
    std::optional<int64_t> last_up;
    int64_t last_busy, now;
    int want;
  };
  // warmup 1000 ms, cooldown 2000 ms, 1 connection per instance (no policy)
  const Case cases[] = {
      {"idle at min", 1, 4, 1, 0, {}, 0, 10'000, 1},
      {"below min scales up", 2, 4, 0, 0, {}, 0, 10'000, 2},
      {"demand 3 scales up at once", 1, 4, 1, 3, {}, 0, 10'000, 3},
      {"demand clamped to max", 1, 4, 1, 50, {}, 0, 10'000, 4},
      {"warming up holds", 1, 4, 2, 4, 9'500, 0, 10'000, 2},
      {"warmup over scales up", 1, 4, 2, 4, 9'000, 0, 10'000, 4},
      {"cooldown not over holds", 1, 4, 3, 1, {}, 8'500, 10'000, 3},
      {"cooldown over scales down", 1, 4, 3, 1, {}, 8'000, 10'000, 1},
      {"scale down to min, not below", 2, 4, 4, 0, {}, 0, 10'000, 2},
      {"above max scales down at once", 1, 2, 4, 9, {}, 10'000, 10'000, 2},
      {"min 0 with no load", 0, 4, 1, 0, {}, 0, 10'000, 0},
      {"steady", 1, 4, 2, 2, {}, 10'000, 10'000, 2},
  };
  for (const auto& c : cases) {
    api::AutoscaleConfig config = Config("g", c.min, c.max);
    config.warmup_time_ms = 1000;
    config.cooldown_time_ms = 2000;
    ScaleHistory h{c.last_up, c.last_busy};
    CHECK_MESSAGE(DesiredInstances(config, c.running, c.connections, h, c.now) == c.want, c.what);
  }
  api::AutoscaleConfig config = Config("g", 1, 10);
  CHECK(ConnectionsPerInstance(config) == kDefaultConnectionsPerInstance);
  config.policies.push_back(Parse(R"({"name":"cpu","type":"step","metric":"cpu",
    "steps":[{"adjustment":1,"lower_bound":2}]})"_json));
  CHECK(ConnectionsPerInstance(config) == kDefaultConnectionsPerInstance);  // cpu: not measured
  config.policies.push_back(Parse(R"({"name":"reqs","type":"step","metric":"inflight_reqs",
    "steps":[{"adjustment":0,"upper_bound":5},{"adjustment":1,"lower_bound":5,"upper_bound":9},
    {"adjustment":2,"lower_bound":9}]})"_json));
  CHECK(ConnectionsPerInstance(config) == 5);
  CHECK(Demand(config, 0) == 1);
  CHECK(Demand(config, 5) == 1);
  CHECK(Demand(config, 6) == 2);
  CHECK(Demand(config, 1000) == 10);
}
