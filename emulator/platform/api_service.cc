#include "platform/api_service.h"

#include <chrono>
#include <nlohmann/json.hpp>

namespace ukc::platform {

using nlohmann::json;

void ApiService::Handle(http::Exchange& ex) {
  auto started = std::chrono::steady_clock::now();
  auto respond = [&](int status, json body) {
    body["op_time_us"] = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    ex.Respond(status, {{"Content-Type", "application/json"}}, body.dump());
  };
  auto user = authenticator_->Authenticate(ex.Header("Authorization"));
  if (!user) {
    return respond(401, {{"status", "error"},
                         {"message", "Unauthorized: missing or invalid token"},
                         {"errors", json::array({{{"status", 401}}})},
                         {"data", json::object()}});
  }
  respond(404, {{"status", "error"},
                {"message", "No API endpoint"},
                {"errors", json::array({{{"status", 404}}})},
                {"data", json::object()}});
}

}  // namespace ukc::platform
