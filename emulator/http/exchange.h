// One HTTP request and its response on a server connection. A handler reads the request's head,
// reads the body on demand (whole, bounded, or streamed in chunks), then answers exactly once.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ukc::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

class Connection;

class Exchange {
 public:
  // Sink for streamed body data; returning an error aborts the read.
  using BodySink = std::function<Status(const char* data, size_t size)>;

  std::string_view method() const { return method_; }
  std::string_view target() const { return target_; }
  // Percent-decoded path, without the query.
  const std::string& path() const { return path_; }
  // First value of a query parameter, decoded; empty when absent.
  std::string Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const;
  // Every value of a repeated query parameter (`?uuid=a&uuid=b`), in order.
  std::vector<std::string> QueryAll(std::string_view name) const;
  // First value of a request header (case-insensitive name); empty when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // Content-Length when the request declares one.
  std::optional<uint64_t> ContentLength() const;
  std::string_view peer() const { return peer_; }

  // Reads the whole body into `out`; TooLarge if it exceeds `limit` bytes.
  Status ReadBody(std::string* out, size_t limit);
  // Streams the body to `sink`; IoError if the client goes away before the end.
  Status StreamBody(const BodySink& sink);

  // Answers with `body`; Content-Length is set from it.
  void Respond(int status, const Headers& headers, std::string body = {});
  // Answers a HEAD request: headers and a Content-Length of `content_length`, no body.
  void RespondHead(int status, const Headers& headers, uint64_t content_length);
  // Answers with `length` bytes of `fd` from `offset` (sent with sendfile).
  void RespondFile(int status, const Headers& headers, int fd, uint64_t offset, uint64_t length);
  bool responded() const { return responded_; }
  int response_status() const { return response_status_; }

 private:
  friend class Connection;
  explicit Exchange(Connection* connection) : connection_(connection) {}

  Connection* connection_;
  std::string method_;
  std::string target_;
  std::string path_;
  std::multimap<std::string, std::string> query_;
  std::string peer_;
  bool responded_ = false;
  int response_status_ = 0;
};

}  // namespace ukc::http
