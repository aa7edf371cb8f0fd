#include "api/envelope.h"

namespace ukc::api {

using nlohmann::json;

json Envelope(const std::string& collection, json items, int64_t op_time_us) {
  std::string status = "success";
  size_t failed = 0;
  for (const auto& item : items) {
    if (item.is_object() && item.value("status", "") == "error") failed++;
  }
  if (failed > 0) status = failed == items.size() ? "error" : "partial_success";
  json envelope = {
      {"status", status}, {"data", {{collection, std::move(items)}}}, {"op_time_us", op_time_us}};
  if (failed > 0) envelope["message"] = "Failed to perform all operations";
  return envelope;
}

json ErrorEnvelope(int http_status, const std::string& message, int64_t op_time_us) {
  return {{"status", "error"},
          {"message", message},
          {"errors", json::array({{{"status", http_status}}})},
          {"data", json::object()},
          {"op_time_us", op_time_us}};
}

json ItemError(ErrorCode code, const std::string& message, json identity) {
  json item = identity.is_object() ? std::move(identity) : json::object();
  item["status"] = "error";
  item["message"] = message;
  item["error"] = static_cast<int>(code);
  return item;
}

}  // namespace ukc::api
