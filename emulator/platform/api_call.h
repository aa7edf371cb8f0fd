// One platform API request being answered: the authenticated user, the normalized path, the
// timer behind op_time_us, and helpers to read the JSON body and answer in the envelope.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "api/envelope.h"
#include "base/status.h"
#include "http/exchange.h"

namespace ukc::platform {

// The per-item error code for a failed operation (one mapping for every endpoint): NotFound 8,
// AlreadyExists 23, InvalidArgument 7, Unavailable = timed out 12, TooLarge = quota 19,
// PermissionDenied = not allowed 14, anything else 10 (failed operation).
api::ErrorCode ItemErrorCode(const Status& s);

struct ApiCall {
  static constexpr size_t kMaxBody = size_t{1} << 20;
  static constexpr int kMaxDepth = 32;  // JSON nesting levels accepted in a request body

  http::Exchange& ex;
  std::string user;
  std::string path;  // normalized: starts with /v1/, no trailing slash
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  int64_t elapsed_us() const;
  void Respond(int status, const nlohmann::json& body);
  // Answers 200 with {"status",…,"data":{collection: items},"op_time_us"}.
  void RespondItems(const std::string& collection, nlohmann::json items);
  // A whole-request error in the envelope, HTTP `status`.
  void Fail(int status, const std::string& message);
  // Reads the JSON body (null when empty); answers 400/413 and returns false when unusable.
  bool ReadJson(nlohmann::json* out);
};

}  // namespace ukc::platform
