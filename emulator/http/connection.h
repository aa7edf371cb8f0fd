// One accepted connection: parses requests with Beast, hands each to the handler as an Exchange,
// writes responses. Internal to http/.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>

#include "http/exchange.h"
#include "http/server.h"

namespace ukc::http {

class Connection {
 public:
  Connection(Server* server, int fd, std::string peer);
  ~Connection();
  void Run(const Server::Handler& handler);

 private:
  friend class Exchange;
  using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

  bool WriteAll(const char* data, size_t size);
  // Waits (up to 1 s) for the socket to become readable (POLLIN) or writable (POLLOUT).
  void WaitUntil(short events);
  // Waits up to the server's idle timeout for the next request's first bytes; false when none
  // came (or nothing is buffered and the wait failed).
  bool AwaitRequest();
  void SendContinueIfExpected();
  Status ReadBodyChunks(const Exchange::BodySink& sink);
  Status ReadSizedBody(uint64_t remaining, const Exchange::BodySink& sink);
  bool BodyDone() const;
  bool Drain();
  void WriteHead(int status, const Headers& headers, uint64_t content_length, bool head_only);
  std::string FormatHead(int status, const Headers& headers, uint64_t content_length);
  bool SendFile(int fd, uint64_t offset, uint64_t length);

  Server* server_;
  int fd_;
  std::string peer_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::unique_ptr<char[]> chunk_;
  bool keep_alive_ = true;
  bool continue_sent_ = false;
  bool broken_ = false;
  bool body_done_ = false;
};

}  // namespace ukc::http
