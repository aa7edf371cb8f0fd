#include "platform/api_call.h"

#include "api/envelope.h"

namespace ukc::platform {

using nlohmann::json;

api::ErrorCode ItemErrorCode(const Status& s) {
  switch (s.kind()) {
    case Status::Kind::kNotFound:
      return api::ErrorCode::kNotFound;
    case Status::Kind::kAlreadyExists:
      return api::ErrorCode::kAlreadyExists;
    case Status::Kind::kInvalidArgument:
      return api::ErrorCode::kInvalid;
    case Status::Kind::kUnavailable:
      return api::ErrorCode::kTimedOut;
    case Status::Kind::kTooLarge:
      return api::ErrorCode::kQuota;
    case Status::Kind::kPermissionDenied:
      return api::ErrorCode::kNotAllowed;
    default:
      return api::ErrorCode::kFailedOperation;
  }
}

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
  // No request shape nests deeper than a few levels; deeper values are not built (copying or
  // walking them would recurse once per level) and the request is refused.
  bool too_deep = false;
  auto limit_depth = [&too_deep](int depth, json::parse_event_t event, json&) {
    if (depth > kMaxDepth &&
        (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)) {
      too_deep = true;
      return false;
    }
    return true;
  };
  *out = json::parse(body, limit_depth, false);
  if (out->is_discarded()) {
    Fail(400, "Invalid JSON in request body");
    return false;
  }
  if (too_deep) {
    Fail(400,
         "JSON in request body is nested more than " + std::to_string(kMaxDepth) + " levels deep");
    return false;
  }
  return true;
}

}  // namespace ukc::platform
