#include "platform/api_call.h"

#include "api/envelope.h"

namespace ukc::platform {

using nlohmann::json;

int64_t ApiCall::elapsed_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               started)
      .count();
}

void ApiCall::Respond(int status, const json& body) {
  ex.Respond(status, {{"Content-Type", "application/json"}}, body.dump());
}

void ApiCall::RespondItems(const std::string& collection, json items) {
  Respond(200, api::Envelope(collection, std::move(items), elapsed_us()));
}

void ApiCall::Fail(int status, const std::string& message) {
  Respond(status, api::ErrorEnvelope(status, message, elapsed_us()));
}

bool ApiCall::ReadJson(json* out) {
  std::string body;
  Status s = ex.ReadBody(&body, kMaxBody);
  if (s.kind() == Status::Kind::kTooLarge) {
    Fail(413, "Request body too large");
    return false;
  }
  if (!s.ok()) {
    Fail(400, "Incomplete request body");
    return false;
  }
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    *out = nullptr;
    return true;
  }
  *out = json::parse(body, nullptr, false);
  if (out->is_discarded()) {
    Fail(400, "Invalid JSON in request body");
    return false;
  }
  return true;
}

}  // namespace ukc::platform
