#include "http/connection.h"

#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

#include "base/encoding.h"
#include "log.h"

namespace ukc::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr size_t kChunkSize = size_t{1} << 20;
constexpr size_t kMaxDrain = size_t{1} << 20;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (tolower(static_cast<unsigned char>(a[i])) != tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void ParseTarget(std::string_view target, std::string* path,
                 std::multimap<std::string, std::string>* query) {
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  auto decoded = PercentDecode(raw_path, false);
  *path = decoded ? *decoded : std::string(raw_path);
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : PercentDecode(pair.substr(eq + 1), true);
    if (key && value && !key->empty()) query->emplace(*key, *value);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}
}  // namespace

Connection::Connection(Server* server, int fd, std::string peer)
    : server_(server), fd_(fd), peer_(std::move(peer)), socket_(io_), chunk_(new char[kChunkSize]) {
  socket_.assign(boost::asio::ip::tcp::v4(), fd);
}

Connection::~Connection() {
  boost::system::error_code ec;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::Run(const Server::Handler& handler) {
  while (keep_alive_ && !broken_) {
    if (!AwaitRequest()) return;
    parser_.emplace();
    body_done_ = false;
    parser_->body_limit(
        std::numeric_limits<std::uint64_t>::max());  // boost::none misbehaves in 1.74
    parser_->header_limit(64 * 1024);
    continue_sent_ = false;
    boost::system::error_code ec;
    bhttp::read_header(socket_, buffer_, *parser_, ec);
    if (ec) {
      if (ec != bhttp::error::end_of_stream && ec != boost::asio::error::eof &&
          ec != boost::asio::error::connection_reset && ec != boost::asio::error::not_connected &&
          ec != boost::asio::error::bad_descriptor) {
        Log(LogLevel::kDebug, server_->name_ + " " + peer_ + " bad request: " + ec.message());
        std::string body = "malformed HTTP request: " + ec.message() + "\n";
        std::string head =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        WriteAll(head.data(), head.size());
      }
      return;
    }
    auto& request = parser_->get();
    Exchange exchange(this);
    exchange.method_ = std::string(request.method_string());
    exchange.target_ = std::string(request.target());
    exchange.peer_ = peer_;
    ParseTarget(exchange.target_, &exchange.path_, &exchange.query_);
    keep_alive_ = request.keep_alive();
    auto started = std::chrono::steady_clock::now();
    handler(exchange);
    if (!exchange.responded()) exchange.Respond(500, {}, "handler did not answer\n");
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    if (LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug,
          server_->name_ + " " + peer_ + " " + exchange.method_ + " " + exchange.target_ + " " +
              std::to_string(exchange.response_status()) + " " + std::to_string(micros) + "us");
    }
    if (!BodyDone() && !Drain()) return;
  }
}

bool Connection::Drain() {
  // The handler did not read the body: skip a small one to keep the connection, else close.
  size_t total = 0;
  Status s = ReadBodyChunks([&](const char*, size_t n) {
    total += n;
    return total > kMaxDrain ? Status::TooLarge("body") : Status::Ok();
  });
  return s.ok() && keep_alive_;
}

void Connection::SendContinueIfExpected() {
  if (continue_sent_) return;
  continue_sent_ = true;
  auto& request = parser_->get();
  auto it = request.find(bhttp::field::expect);
  if (it != request.end() &&
      EqualsIgnoreCase(std::string_view(it->value().data(), it->value().size()), "100-continue")) {
    static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    WriteAll(kContinue, sizeof kContinue - 1);
  }
}

bool Connection::BodyDone() const { return body_done_ || parser_->is_done(); }

Status Connection::ReadBodyChunks(const Exchange::BodySink& sink) {
  if (broken_) return Status::IoError("connection broken");
  if (BodyDone()) return Status::Ok();
  SendContinueIfExpected();
  auto length = parser_->content_length_remaining();
  if (length && !parser_->chunked()) return ReadSizedBody(*length, sink);
  while (!parser_->is_done()) {
    parser_->get().body().data = chunk_.get();
    parser_->get().body().size = kChunkSize;
    boost::system::error_code ec;
    bhttp::read(socket_, buffer_, *parser_, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      broken_ = true;
      return Status::IoError("request body incomplete: " + ec.message());
    }
    size_t n = kChunkSize - parser_->get().body().size;
    if (n > 0) {
      Status s = sink(chunk_.get(), n);
      if (!s.ok()) {
        keep_alive_ = false;
        return s;
      }
    }
  }
  return Status::Ok();
}

// A body of known length: what Beast already buffered, then large reads straight from the
// socket (Beast's own reads are small, and syscalls dominated the cost of big uploads).
Status Connection::ReadSizedBody(uint64_t remaining, const Exchange::BodySink& sink) {
  body_done_ = true;  // the parser is bypassed from here on
  auto finish = [&](Status s) {
    if (!s.ok()) keep_alive_ = false;
    return s;
  };
  if (buffer_.size() > 0 && remaining > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(remaining, buffer_.size()));
    Status s = sink(static_cast<const char*>(buffer_.data().data()), n);
    buffer_.consume(n);
    remaining -= n;
    if (!s.ok()) return finish(s);
  }
  while (remaining > 0) {
    ssize_t n = ::recv(fd_, chunk_.get(),
                       static_cast<size_t>(std::min<uint64_t>(remaining, kChunkSize)), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      WaitUntil(POLLIN);
      continue;
    }
    if (n <= 0) {
      broken_ = true;
      return finish(Status::IoError("request body incomplete: client sent " +
                                    std::string(n == 0 ? "end of stream" : strerror(errno)) +
                                    " with " + std::to_string(remaining) + " bytes missing"));
    }
    remaining -= static_cast<uint64_t>(n);
    if (Status s = sink(chunk_.get(), static_cast<size_t>(n)); !s.ok()) return finish(s);
  }
  return Status::Ok();
}

bool Connection::AwaitRequest() {
  if (buffer_.size() > 0) return true;  // pipelined: the next request is here already
  auto deadline = std::chrono::steady_clock::now() + server_->idle_timeout_;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      Log(LogLevel::kDebug, server_->name_ + " " + peer_ + " idle: closing");
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;  // data, or an end/error the read reports
    if (ready < 0 && errno != EINTR) return false;
  }
}

void Connection::WaitUntil(short events) {
  pollfd p{fd_, events, 0};
  ::poll(&p, 1, 1000);
}

bool Connection::WriteAll(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        WaitUntil(POLLOUT);
        continue;
      }
      broken_ = true;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void Connection::WriteHead(int status, const Headers& headers, uint64_t content_length,
                           bool head_only) {
  (void)head_only;
  std::string head = FormatHead(status, headers, content_length);
  WriteAll(head.data(), head.size());
}

std::string Connection::FormatHead(int status, const Headers& headers, uint64_t content_length) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                     std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status))) +
                     "\r\n";
  for (const auto& [name, value] : headers)
    head.append(name).append(": ").append(value).append("\r\n");
  if (status != 204 && !(status >= 100 && status < 200)) {
    head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  }
  if (!keep_alive_) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

bool Connection::SendFile(int fd, uint64_t offset, uint64_t length) {
  off_t off = static_cast<off_t>(offset);
  while (length > 0) {
    ssize_t n = ::sendfile(fd_, fd, &off, length > (1u << 30) ? (1u << 30) : length);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        WaitUntil(POLLOUT);
        continue;
      }
      broken_ = true;
      return false;
    }
    if (n == 0) {  // file shorter than promised: the response cannot be completed
      broken_ = true;
      return false;
    }
    length -= static_cast<uint64_t>(n);
  }
  return true;
}

// ---- Exchange ----

std::string Exchange::Query(std::string_view name) const {
  auto it = query_.find(std::string(name));
  return it == query_.end() ? std::string() : it->second;
}

bool Exchange::HasQuery(std::string_view name) const { return query_.count(std::string(name)); }

std::vector<std::string> Exchange::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  auto [first, last] = query_.equal_range(std::string(name));
  for (auto it = first; it != last; ++it) values.push_back(it->second);
  return values;
}

std::string Exchange::Header(std::string_view name) const {
  auto& request = connection_->parser_->get();
  auto it = request.find(beast::string_view(name.data(), name.size()));
  return it == request.end() ? std::string() : std::string(it->value());
}

bool Exchange::HasHeader(std::string_view name) const {
  auto& request = connection_->parser_->get();
  return request.find(beast::string_view(name.data(), name.size())) != request.end();
}

std::optional<uint64_t> Exchange::ContentLength() const {
  auto length = connection_->parser_->content_length();
  if (length) return *length;
  if (connection_->parser_->chunked()) return std::nullopt;
  return uint64_t{0};
}

Status Exchange::ReadBody(std::string* out, size_t limit) {
  auto length = ContentLength();
  if (length && *length > limit) {
    connection_->keep_alive_ = false;
    return Status::TooLarge("body of " + std::to_string(*length) + " bytes exceeds " +
                            std::to_string(limit));
  }
  out->clear();
  return connection_->ReadBodyChunks([&](const char* data, size_t n) {
    if (out->size() + n > limit) return Status::TooLarge("body exceeds " + std::to_string(limit));
    out->append(data, n);
    return Status::Ok();
  });
}

Status Exchange::StreamBody(const BodySink& sink) { return connection_->ReadBodyChunks(sink); }

void Exchange::Respond(int status, const Headers& headers, std::string body) {
  if (responded_) return;
  responded_ = true;
  response_status_ = status;
  std::string head = connection_->FormatHead(status, headers, body.size());
  if (method_ == "HEAD" || body.empty()) {
    connection_->WriteAll(head.data(), head.size());
  } else if (body.size() <= (size_t{1} << 16)) {  // one send for small responses
    head += body;
    connection_->WriteAll(head.data(), head.size());
  } else {
    connection_->WriteAll(head.data(), head.size());
    connection_->WriteAll(body.data(), body.size());
  }
}

void Exchange::RespondHead(int status, const Headers& headers, uint64_t content_length) {
  if (responded_) return;
  responded_ = true;
  response_status_ = status;
  connection_->WriteHead(status, headers, content_length, true);
}

void Exchange::RespondFile(int status, const Headers& headers, int fd, uint64_t offset,
                           uint64_t length) {
  if (responded_) return;
  responded_ = true;
  response_status_ = status;
  connection_->WriteHead(status, headers, length, false);
  if (method_ != "HEAD") connection_->SendFile(fd, offset, length);
}

}  // namespace ukc::http
