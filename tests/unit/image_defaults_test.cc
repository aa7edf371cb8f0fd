// ApplyScaleToZeroLabels: image labels fill the scale-to-zero fields a request left unset.
#include "platform/image_defaults.h"

#include <doctest/doctest.h>

using ukc::Status;
using ukc::api::ScaleToZero;
using ukc::platform::ApplyScaleToZeroLabels;

namespace {
std::string Label(const std::string& key) {
  return "cloud.unikraft.v1.instances/scale_to_zero." + key;
}
}  // namespace

TEST_CASE("scale-to-zero labels: the guide's http-python3.12 labels") {
  ScaleToZero s;
  bool from_label = false;
  REQUIRE(ApplyScaleToZeroLabels({{Label("policy"), "on"},
                                  {Label("stateful"), "false"},
                                  {Label("cooldown_time_ms"), "1000"},
                                  {"org.example/other", "x"}},
                                 {}, &s, &from_label)
              .ok());
  CHECK(s.policy == "on");
  CHECK(!s.stateful);
  CHECK(s.cooldown_time_ms == 1000);
  CHECK(from_label);
}

TEST_CASE("scale-to-zero labels: no labels, or fields the request carried, change nothing") {
  ScaleToZero s;
  s.policy = "idle";
  s.cooldown_time_ms = 250;
  bool from_label = true;
  REQUIRE(ApplyScaleToZeroLabels({}, {}, &s, &from_label).ok());
  CHECK(!from_label);
  REQUIRE(ApplyScaleToZeroLabels({{Label("policy"), "off"}, {Label("cooldown_time_ms"), "9"}},
                                 {"policy", "cooldown_time_ms"}, &s, &from_label)
              .ok());
  CHECK(s.policy == "idle");
  CHECK(s.cooldown_time_ms == 250);
  CHECK(!from_label);
}

TEST_CASE("scale-to-zero labels: bad values are refused, naming the label; nothing applied") {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"policy", "On"},
                                                        {"stateful", "yes"},
                                                        {"cooldown_time_ms", "1s"},
                                                        {"cooldown_time_ms", "-1"},
                                                        {"cooldown_time_ms", "86400001"},
                                                        {"cooldown_time_ms", ""}}) {
    CAPTURE(key);
    CAPTURE(value);
    ScaleToZero s;
    bool from_label = false;
    std::map<std::string, std::string> labels = {{Label("policy"), "on"}};
    labels[Label(key)] = value;
    Status st = ApplyScaleToZeroLabels(labels, {}, &s, &from_label);
    CHECK(st.kind() == Status::Kind::kInvalidArgument);
    CHECK(st.message().find(Label(key)) != std::string::npos);
    CHECK(s.policy == "off");  // unchanged
  }
}
