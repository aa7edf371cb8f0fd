#include <doctest/doctest.h>

#include "api/envelope.h"
#include "api/image.h"

using nlohmann::json;
using namespace ukc::api;

TEST_CASE("envelope: one data key, op_time_us, status from the items") {
  json ok = Envelope("instances", json::array({{{"uuid", "a"}}}), 12);
  CHECK(ok["status"] == "success");
  CHECK(ok["data"].size() == 1);
  CHECK(ok["op_time_us"] == 12);
  CHECK_FALSE(ok.contains("message"));

  json partial = Envelope(
      "instances",
      json::array({{{"uuid", "a"}},
                   ItemError(ErrorCode::kNotFound, "No instance with name 'x'", {{"name", "x"}})}),
      1);
  CHECK(partial["status"] == "partial_success");
  CHECK(partial["data"]["instances"][1]["error"] == 8);
  CHECK(partial["data"]["instances"][1]["name"] == "x");

  json failed =
      Envelope("instances", json::array({ItemError(ErrorCode::kAlreadyExists, "exists")}), 1);
  CHECK(failed["status"] == "error");
  CHECK(failed["data"]["instances"][0]["error"] == 23);

  json empty = Envelope("images", json::array(), 0);
  CHECK(empty["status"] == "success");
  CHECK(empty["data"]["images"].is_array());
}

TEST_CASE("whole-request errors carry the HTTP status and an empty data object") {
  json e = ErrorEnvelope(401, "Unauthorized", 3);
  CHECK(e["status"] == "error");
  CHECK(e["errors"][0]["status"] == 401);
  CHECK(e["data"].is_object());
  CHECK(e.contains("op_time_us"));
}

TEST_CASE("image JSON round-trips; args is a string") {
  Image image{"local/app@sha256:abc", {"local/app:latest"},  true, 42, "/server 8080", "",
              {{"k", "v"}},           "2026-11-26T21:44:27Z"};
  json j = ToJson(image);
  CHECK(j["args"].is_string());
  Image back = ImageFromJson(j);
  CHECK(back.digest == image.digest);
  CHECK(back.tags == image.tags);
  CHECK(back.size_in_bytes == 42);
  CHECK(back.labels.at("k") == "v");
}
