#include "api_client.h"

#include <httplib.h>

namespace kraft {

using nlohmann::json;

ukc::Status SplitUrl(const std::string& url, std::string* origin, std::string* path) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos || scheme == 0 || scheme + 3 >= url.size()) {
    return ukc::Status::InvalidArgument("invalid metro URL: " + url);
  }
  size_t slash = url.find('/', scheme + 3);
  *origin = url.substr(0, slash);
  *path = slash == std::string::npos ? "" : url.substr(slash);
  while (!path->empty() && path->back() == '/') path->pop_back();
  return ukc::Status::Ok();
}

ukc::Status ParseEnvelope(int http_status, const std::string& body, ApiResponse* out) {
  out->body = body;
  if (http_status != 200) {
    return ukc::Status::Unavailable("API error: status code " + std::to_string(http_status) +
                                    ", message: " + body);
  }
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return ukc::Status::Corruption("could not decode API response: " + body);
  std::string status = j.value("status", "");
  json data = j.value("data", json::object());
  if (!data.is_object() || data.size() > 1) {
    return ukc::Status::Corruption("could not decode API response: expected one data key");
  }
  out->items = data.empty() ? json::array() : data.begin().value();
  if (!out->items.is_array()) out->items = json::array();
  if (status == "error" || status == "partial_success") {
    std::string message = j.value("message", "");
    for (const auto& item : out->items) {
      if (!item.is_object() || !item.contains("error")) continue;
      if (!message.empty()) message += "\n";
      message += item.value("message", "") + " (code=" + item["error"].dump() + ")";
    }
    return ukc::Status::Internal(message.empty() ? "API returned status " + status : message);
  }
  return ukc::Status::Ok();
}

ApiClient::ApiClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {}

ukc::Status ApiClient::Get(const std::string& path, const std::string& body, ApiResponse* out) {
  return Send("GET", path, body, out);
}

ukc::Status ApiClient::Post(const std::string& path, const std::string& body, ApiResponse* out) {
  return Send("POST", path, body, out);
}

ukc::Status ApiClient::Put(const std::string& path, const std::string& body, ApiResponse* out) {
  return Send("PUT", path, body, out);
}

ukc::Status ApiClient::Delete(const std::string& path, const std::string& body, ApiResponse* out) {
  return Send("DELETE", path, body, out);
}

ukc::Status ApiClient::Send(const std::string& method, const std::string& path,
                            const std::string& body, ApiResponse* out) {
  std::string origin, prefix;
  if (ukc::Status s = SplitUrl(base_url_, &origin, &prefix); !s.ok()) return s;
  httplib::Client client(origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  httplib::Request req;
  req.method = method;
  req.path = prefix + path;
  req.headers = {{"Authorization", "Bearer " + token_},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"},
                 {"Connection", "close"}};
  req.body = body;
  httplib::Result res = client.send(req);
  if (!res) {
    return ukc::Status::Unavailable("could not reach " + base_url_ + path + ": " +
                                    httplib::to_string(res.error()));
  }
  return ParseEnvelope(res->status, res->body, out);
}

}  // namespace kraft
