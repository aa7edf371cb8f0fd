// The platform API's response envelope and error codes (shared by ukc-emu and kraft):
//   {"status":"success"|"partial_success"|"error", "message"?, "errors"?: [{"status":N}],
//    "data": {"<collection>": [...]}, "op_time_us": N}
// `data` always carries exactly one collection key (kraftkit refuses more), op_time_us is always
// present (the Python SDK requires it). Per-item failures keep HTTP 200 and carry
// {"status":"error","message","error":<code>} inside the collection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ukc::api {

// Per-item error codes, in the order of the real client's enum.
enum class ErrorCode : int {
  kUnknown = 0,
  kNotSupported = 1,
  kWrongMethod = 2,
  kNoApiEndpoint = 3,
  kFailNotAll = 4,
  kTooMany = 5,
  kInvalid = 7,
  kNotFound = 8,
  kNoFree = 9,
  kFailedOperation = 10,
  kWrongState = 11,
  kTimedOut = 12,
  kMissingId = 13,
  kNotAllowed = 14,
  kMalformedRequest = 16,
  kNotBoth = 17,
  kQuota = 19,
  kGuestMemoryTooSmall = 20,
  kTooLong = 22,
  kAlreadyExists = 23,
  kCannotBeUsed = 24,
  kAutoscaleInstance = 25,
  kAutoscaleConfigured = 26,
  kAutoscaleNotConfigured = 27,
  kAutoscaleDisabled = 28,
  kAutoscaleSizeOutOfRange = 29,
};

// A whole-request envelope. `items` is the collection's array (may be empty).
nlohmann::json Envelope(const std::string& collection, nlohmann::json items, int64_t op_time_us);
// A whole-request error (bad JSON, unknown field, no such endpoint, 401): HTTP `http_status`.
nlohmann::json ErrorEnvelope(int http_status, const std::string& message, int64_t op_time_us);
// One failed item of a batch: {"status":"error","message","error":code} plus identity fields.
nlohmann::json ItemError(ErrorCode code, const std::string& message, nlohmann::json identity = {});

}  // namespace ukc::api
