// `kraft cloud scale`: step flags (kraftkit's formats, sorting and messages), the policy sent,
// the configuration row and the policy's yaml/json.
#include <doctest/doctest.h>

#include "cloud/scale_flags.h"
#include "cloud/scale_print.h"

using kraft::BuildScalePolicy;
using kraft::ScaleAddFlags;
using ukc::api::AutoscalePolicy;

namespace {

std::string Error(const ScaleAddFlags& f) {
  AutoscalePolicy p;
  ukc::Status s = BuildScalePolicy(f, &p);
  return s.ok() ? "" : s.message();
}

ScaleAddFlags Steps(std::vector<std::string> steps) {
  ScaleAddFlags f;
  f.name = "p";
  f.steps = std::move(steps);
  return f;
}

}  // namespace

TEST_CASE("kraft scale add: steps") {
  AutoscalePolicy p;
  ScaleAddFlags f = Steps({"10:20/2", ":10/1", "20:/4"});
  f.adjustment = "percent";
  REQUIRE(BuildScalePolicy(f, &p).ok());
  CHECK(ukc::api::ToWireText(p) ==
        R"({"name":"p","type":"step","metric":"cpu","adjustment_type":"percent","steps":[)"
        R"({"adjustment":1,"upper_bound":10},{"adjustment":2,"lower_bound":10,"upper_bound":20},)"
        R"({"adjustment":4,"lower_bound":20}]})");
  CHECK(Error(Steps({"0:10/-1"})) == "");
  CHECK(Error(Steps({})) == "specify between 1 and 4 steps: got 0");
  CHECK(Error(Steps({":1/1", "1:2/1", "2:3/1", "3:4/1", "4:/1"})) ==
        "specify between 1 and 4 steps: got 5");
  CHECK(Error(Steps({"abc"})) == "could not parse step: \"abc\"");
  CHECK(Error(Steps({":/1"})) == "could not parse step: \":/1\"");
  CHECK(Error(Steps({"1:2"})) == "could not parse step: \"1:2\"");
  CHECK(Error(Steps({"5:5/1"})) ==
        "lower bound cannot be greater or equal than upper bound: 5 >= 5");
  CHECK(Error(Steps({"0:10/1", "12:20/1"})) ==
        "steps are not contiguous: gap found between 10 and 12");
  CHECK(Error(Steps({"0:10/1", "10:/1", "20:30/1"})) ==
        "upper bound cannot be empty in a step before the last step");
  CHECK(Error(Steps({"0:/1", "10:20/1"})) ==  // kraftkit reads an absent upper bound as 0
        "steps are not contiguous: gap found between 0 and 10");
  CHECK(Error(Steps({"0:10/1", ":20/1"})) ==
        "steps are not contiguous: gap found between 20 and 0");
  CHECK(Error(Steps({"0:10/1", ":0/1"})) == "");  // sorted: the unbounded-below step first
  ScaleAddFlags unnamed = Steps({"0:1/1"});
  unnamed.name.clear();
  CHECK(Error(unnamed) == "specify a policy name");
  ScaleAddFlags type = Steps({"0:1/1"});
  type.type = "burst";
  CHECK(Error(type) == "invalid policy type: \"burst\"");
  ScaleAddFlags on_demand;
  on_demand.name = "od";
  on_demand.type = "on_demand";
  REQUIRE(BuildScalePolicy(on_demand, &p).ok());
  CHECK(ukc::api::ToWireText(p) == R"({"name":"od","type":"on_demand"})");
}

TEST_CASE("kraft scale get: configuration row and policy text") {
  ukc::api::AutoscaleConfig c;
  c.uuid = "u-1";
  c.name = "web";
  kraft::Table t = kraft::ScaleConfigTable(c, true);
  CHECK(t.headers == std::vector<std::string>{"NAME", "ENABLED", "POLICIES"});
  CHECK(t.rows.at(0) == std::vector<std::string>{"web", "false", ""});
  c.enabled = true;
  c.min_size = 1;
  c.max_size = 10;
  c.master = {"m-uuid", "m"};
  c.policies.resize(2);
  c.policies[0].name = "a";
  c.policies[1].name = "b";
  t = kraft::ScaleConfigTable(c, false);
  CHECK(t.headers == std::vector<std::string>{"UUID", "NAME", "ENABLED", "MIN SIZE", "MAX SIZE",
                                              "WARMUP (MS)", "COOLDOWN (MS)", "MASTER",
                                              "POLICIES"});
  CHECK(t.rows.at(0) ==
        std::vector<std::string>{"u-1", "web", "true", "1", "10", "1000", "1000", "m-uuid", "a;b"});

  auto policy = nlohmann::json::parse(
      R"({"status":"success","name":"scale-out","type":"step","metric":"cpu",
          "adjustment_type":"percent","steps":[{"adjustment":50,"lower_bound":500,
          "upper_bound":700},{"adjustment":100,"lower_bound":700}]})");
  CHECK(kraft::PolicyText(policy, "list") ==
        "adjustment_type: percent\nmetric: cpu\nname: scale-out\nstatus: success\nsteps:\n"
        "- adjustment: 50\n  lower_bound: 500\n  upper_bound: 700\n- adjustment: 100\n"
        "  lower_bound: 700\ntype: step");
  CHECK(kraft::PolicyText(policy, "json").rfind(R"({"adjustment_type":"percent",)", 0) == 0);
  CHECK(kraft::PolicyText(nlohmann::json::parse(R"({"name":"100","steps":[]})"), "yaml") ==
        "name: \"100\"\nsteps: []");
}
