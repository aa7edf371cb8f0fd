// The platform API client (kraftkit's G1 SDK, ukc-api.md §1.2, kraft-cli.md §6.4): every request
// carries `Authorization: Bearer <token>`, `Content-Type: application/json` and
// `Accept: application/json`; the base URL is the resolved metro (…/v1) and paths are joined to it.
// Errors as kraft shows them:
//   non-200              → "API error: status code <code>, message: <raw body>"
//   status error/partial → "<message>" plus "<item message> (code=<error>)" per failed item
//   data with ≠1 key     → a decode error ("data:{}" is an empty collection).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace kraft {

struct ApiResponse {     // NOLINT(bugprone-exception-escape): json's default constructor
  std::string body;      // the raw response body (for `-o raw`)
  nlohmann::json items;  // the collection's array (empty array when data is {})
};

// Splits "scheme://host[:port][/path]" into "scheme://host[:port]" and "/path" (may be "").
ukc::Status SplitUrl(const std::string& url, std::string* origin, std::string* path);
// Checks an API response as kraft does and extracts `data.<collection>`.
ukc::Status ParseEnvelope(int http_status, const std::string& body, ApiResponse* out);

class ApiClient {
 public:
  ApiClient(std::string base_url, std::string token);
  // GET <base><path>, with `body` as JSON when not empty (kraft sends bodies on GETs).
  ukc::Status Get(const std::string& path, const std::string& body, ApiResponse* out);
  // POST, PUT and DELETE <base><path> with a JSON body; same error semantics as Get.
  ukc::Status Post(const std::string& path, const std::string& body, ApiResponse* out);
  ukc::Status Put(const std::string& path, const std::string& body, ApiResponse* out);
  ukc::Status Delete(const std::string& path, const std::string& body, ApiResponse* out);

 private:
  ukc::Status Send(const std::string& method, const std::string& path, const std::string& body,
                   ApiResponse* out);

  std::string base_url_;
  std::string token_;
};

}  // namespace kraft
