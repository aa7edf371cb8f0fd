// ClientSession, part 2: the response side of HTTP proxying (1xx, 101 → splice, bodies streamed
// to the client), retries on a stale keep-alive backend connection, redirects, error replies and
// connection endings. See client_session.h for the contract.
#include <algorithm>
#include <array>
#include <boost/asio/write.hpp>
#include <type_traits>

#include "log.h"
#include "proxy/client_session.h"
#include "proxy/splicer.h"

namespace ukc::proxy {

using boost::asio::ip::tcp;

namespace {

const char* Reason(int status) {
  switch (status) {
    case 301:
      return "Moved Permanently";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 431:
      return "Request Header Fields Too Large";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

const char kCutResponse[] = "the instance closed the connection in the middle of a response\n";

// The TCP socket under a client stream (drained raw once the reply is out).
tcp::socket& RawSocket(tcp::socket& s) { return s; }
tcp::socket& RawSocket(SslStream& s) { return s.next_layer(); }

}  // namespace

template <class Stream>
void ClientSession<Stream>::ReadResponse() {
  switch (ParseResponseHead(ubuf_.view(), &resp_)) {
    case ParseResult::kOk:
      return OnResponseHead();
    case ParseResult::kBad:
    case ParseResult::kTooLarge:
      return BadGateway("the instance sent a malformed HTTP response\n");
    case ParseResult::kIncomplete:
      break;
  }
  auto self = this->shared_from_this();
  upstream_.async_read_some(ubuf_.PrepareRead(),
                            [self](const boost::system::error_code& ec, size_t n) {
                              if (self->closed_) return;
                              if (ec) return self->UpstreamFailed();
                              self->progress_++;
                              self->ubuf_.Commit(n);
                              self->ReadResponse();
                            });
}

template <class Stream>
void ClientSession<Stream>::OnResponseHead() {
  if (resp_.status == 101) {
    if (!wants_upgrade_) return BadGateway("unexpected 101 from the instance\n");
    response_started_ = true;
    return StartSplice();  // the 101 head goes out first, then bytes both ways
  }
  if (resp_.status < 200) {  // interim (100 Continue, 103): pass on, then the next head
    response_started_ = true;
    size_t n = resp_.head_size;
    auto self = this->shared_from_this();
    boost::asio::async_write(client_, boost::asio::buffer(ubuf_.data(), n),
                             [self, n](const boost::system::error_code& ec, size_t) {
                               if (self->closed_) return;
                               if (ec) return self->CloseAll();
                               self->ubuf_.Consume(n);
                               self->ReadResponse();
                             });
    return;
  }
  resp_body_.Reset(ResponseBodyKind(resp_, is_head_ ? "HEAD" : "GET"), resp_.content_length);
  response_keep_alive_ = resp_body_.kind() != BodyFramer::Kind::kUntilClose &&
                         !resp_.connection_close &&
                         (resp_.minor_version >= 1 || resp_.connection_keep_alive);
  // Connection is hop-by-hop: when the backend ends its connection with a framed response, the
  // client's goes on (the next request gets a new backend connection), so the head goes out
  // without the backend's Connection/Keep-Alive fields.
  client_keep_alive_ = keep_alive_ && resp_body_.kind() != BodyFramer::Kind::kUntilClose;
  if (AwaitingRestOfSmallResponse()) return;
  resp_head_out_.clear();
  // The head is rewritten when what it says does not hold for the client's connection: the
  // backend's HTTP/1.0 (an intermediary sends its own version, RFC 9110 §6.2) or its
  // Connection fields.
  if (resp_.minor_version == 0 || client_keep_alive_ != response_keep_alive_) {
    RewriteResponseHead();
  }
  response_started_ = true;
  ForwardResponseBody(resp_.head_size);
}

// Backends often write the head and a small body separately (nginx: writev, then sendfile). As
// nginx does (postpone_output), a response of up to kWholeResponseLimit bytes framed by
// Content-Length goes out whole, in one write: the head alone would cost the client a wakeup and
// an ACK more. Reads on until it is complete, then parses the head again (the buffer may move).
template <class Stream>
bool ClientSession<Stream>::AwaitingRestOfSmallResponse() {
  constexpr uint64_t kWholeResponseLimit = uint64_t{16} * 1024;
  if (resp_body_.kind() != BodyFramer::Kind::kLength) return false;
  uint64_t whole = resp_.head_size + resp_.content_length;
  if (whole > kWholeResponseLimit || ubuf_.size() >= whole) return false;
  auto self = this->shared_from_this();
  upstream_.async_read_some(ubuf_.PrepareRead(),
                            [self](const boost::system::error_code& ec, size_t n) {
                              if (self->closed_) return;
                              if (ec) return self->BadGateway(kCutResponse);
                              self->progress_++;
                              self->ubuf_.Commit(n);
                              self->ReadResponse();
                            });
  return true;
}

template <class Stream>
void ClientSession<Stream>::RewriteResponseHead() {
  std::string_view head = ubuf_.view().substr(0, resp_.head_size);
  std::string_view status_line = head.substr(0, head.find('\n'));
  if (!status_line.empty() && status_line.back() == '\r') status_line.remove_suffix(1);
  resp_head_out_.append("HTTP/1.1")
      .append(status_line.substr(std::min<size_t>(8, status_line.size())));
  resp_head_out_.append("\r\n");
  for (const auto& f : resp_.fields) {
    if (EqualsIgnoreCase(f.name, "connection") || EqualsIgnoreCase(f.name, "keep-alive")) continue;
    resp_head_out_.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  if (!client_keep_alive_) {
    resp_head_out_.append("Connection: close\r\n");
  } else if (req_.minor_version == 0) {
    resp_head_out_.append("Connection: keep-alive\r\n");
  }
  resp_head_out_.append("\r\n");
}

template <class Stream>
void ClientSession<Stream>::ForwardResponseBody(size_t skip) {
  auto self = this->shared_from_this();
  size_t n = 0;
  if (!resp_body_.Take(ubuf_.data() + skip, ubuf_.size() - skip, &n)) return CloseAll();
  size_t len = skip + n;
  if (len > 0) {
    // The head as received, or (skip > 0 with resp_head_out_ set) its rewrite in its place.
    bool rewritten = skip > 0 && !resp_head_out_.empty();
    std::array<boost::asio::const_buffer, 2> out{
        rewritten ? boost::asio::buffer(resp_head_out_) : boost::asio::const_buffer(),
        boost::asio::buffer(ubuf_.data() + (rewritten ? skip : 0), rewritten ? n : len)};
    boost::asio::async_write(client_, out,
                             [self, len](const boost::system::error_code& ec, size_t) {
                               if (self->closed_) return;
                               if (ec) return self->CloseAll();
                               self->progress_++;
                               self->ubuf_.Consume(len);
                               self->resp_head_out_.clear();
                               if (self->resp_body_.done()) return self->OnResponseDone();
                               self->ForwardResponseBody(0);
                             });
    return;
  }
  if (resp_body_.done()) return OnResponseDone();
  upstream_.async_read_some(ubuf_.PrepareRead(), [self](const boost::system::error_code& ec,
                                                        size_t got) {
    if (self->closed_) return;
    if (ec == boost::asio::error::eof && self->resp_body_.kind() == BodyFramer::Kind::kUntilClose) {
      return self->OnResponseDone();  // response_keep_alive_ is false: the client closes
    }
    if (ec) return self->CloseAll();  // truncated: the client must not see it as complete
    self->progress_++;
    self->ubuf_.Commit(got);
    self->ForwardResponseBody(0);
  });
}

template <class Stream>
void ClientSession<Stream>::OnResponseDone() {
  ubuf_.Consume(ubuf_.size());  // nothing may follow a response unasked
  response_done_ = true;
  EndExchange();
  // Reused later only when the backend keeps it and has the whole request.
  if (!response_keep_alive_ || !request_sent_) Detach();
  if (!request_sent_) {  // answered before the whole request body arrived
    keep_alive_ = false;
    return;  // OnRequestSent() ends the exchange
  }
  FinishExchange();
}

template <class Stream>
void ClientSession<Stream>::StartSplice() {
  splicing_ = true;  // the exchange goes on while it lasts: bytes may flow at any time
  watchdog_.cancel();
  std::string to_backend(cbuf_.view()), to_client(ubuf_.view());
  cbuf_.Consume(cbuf_.size());
  ubuf_.Consume(ubuf_.size());
  auto self = this->shared_from_this();
  auto splicer = std::make_shared<Splicer<Stream>>(self, client_, upstream_, [self] {
    self->closed_ = true;
    self->Detach();
  });
  splicer->Start(std::move(to_backend), std::move(to_client));
}

template <class Stream>
void ClientSession<Stream>::UpstreamFailed() {
  if (response_started_) return CloseAll();
  // A request body still streaming (a client read may be pending): no reply possible.
  if (req_body_.kind() != BodyFramer::Kind::kNone && !request_sent_) return CloseAll();
  // Nothing of the response yet: a bodiless request goes to a backend again, once.
  bool retry = !retried_ && req_body_.kind() == BodyFramer::Kind::kNone && ubuf_.empty();
  if (!upstream_used_ && attached_) config_.shared->balancer->MarkDead(*attached_);
  Detach();
  if (retry) {
    retried_ = true;
    return AttachAndForward();
  }
  SendError(502, "the instance closed the connection without answering\n");
}

template <class Stream>
void ClientSession<Stream>::BadGateway(const std::string& text) {
  if (response_started_) return CloseAll();
  Detach();
  SendError(502, text);
}

template <class Stream>
void ClientSession<Stream>::SendRedirect() {
  int tls_port = config_.shared->redirect_tls_port;
  bool safe = req_.method == "GET" || req_.method == "HEAD";
  bool keep = keep_alive_ && RequestBodyKind(req_) == BodyFramer::Kind::kNone;
  int status = safe ? 301 : 308;
  reply_.clear();
  reply_.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(Reason(status));
  reply_.append("\r\nLocation: https://").append(host_);
  if (tls_port != 443) reply_.append(":").append(std::to_string(tls_port));
  reply_.append(req_.target).append("\r\nContent-Length: 0\r\n");
  reply_.append(keep ? "\r\n" : "Connection: close\r\n\r\n");
  cbuf_.Consume(req_.head_size);
  auto self = this->shared_from_this();
  boost::asio::async_write(client_, boost::asio::buffer(reply_),
                           [self, keep](const boost::system::error_code& ec, size_t) {
                             if (self->closed_) return;
                             if (ec) return self->CloseAll();
                             self->progress_++;
                             if (keep) return self->ReadHead();
                             self->LingerClose();
                           });
}

template <class Stream>
void ClientSession<Stream>::SendError(int status, const std::string& text) {
  keep_alive_ = false;
  reply_.clear();
  reply_.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(Reason(status));
  reply_.append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ");
  reply_.append(std::to_string(text.size())).append("\r\nConnection: close\r\n\r\n");
  reply_.append(text);
  auto self = this->shared_from_this();
  boost::asio::async_write(client_, boost::asio::buffer(reply_),
                           [self](const boost::system::error_code& ec, size_t) {
                             if (self->closed_) return;
                             if (ec) return self->CloseAll();
                             self->LingerClose();
                           });
}

template <class Stream>
void ClientSession<Stream>::EndExchange() {
  if (!in_exchange_ || !attached_) return;
  in_exchange_ = false;
  config_.shared->balancer->ExchangeFinished(*attached_);
}

template <class Stream>
void ClientSession<Stream>::Detach() {
  if (attached_) {
    EndExchange();
    config_.shared->balancer->Release(*attached_);
    attached_.reset();
  }
  boost::system::error_code ignored;
  upstream_.close(ignored);
  ubuf_.Consume(ubuf_.size());
  upstream_used_ = false;
  upstream_idle_ = false;
}

template <class Stream>
void ClientSession<Stream>::LeaveUpstream() {
  if (!upstream_idle_ || !attached_ || !upstream_.is_open() || config_.pool == nullptr) {
    return Detach();
  }
  BackendPick pick = std::move(*attached_);
  attached_.reset();
  config_.shared->balancer->Release(pick);
  config_.pool->Park(pick, std::move(upstream_));
  upstream_used_ = upstream_idle_ = false;
}

template <class Stream>
void ClientSession<Stream>::CloseAll() {
  if (closed_) return;
  closed_ = true;
  watchdog_.cancel();
  boost::system::error_code ignored;
  client_.lowest_layer().close(ignored);
  LeaveUpstream();
}

// Half-closes towards the client and drains what it still sends (so the reply is not lost to a
// reset), for at most a second.
template <class Stream>
void ClientSession<Stream>::LingerClose() {
  LeaveUpstream();
  boost::system::error_code ignored;
  auto& socket = client_.lowest_layer();
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  auto self = this->shared_from_this();
  watchdog_.expires_after(std::chrono::seconds(1));
  watchdog_.async_wait([self](const boost::system::error_code& ec) {
    if (!ec) self->CloseAll();
  });
  Drain();
}

template <class Stream>
void ClientSession<Stream>::Drain() {
  cbuf_.Consume(cbuf_.size());
  auto self = this->shared_from_this();
  RawSocket(client_).async_read_some(cbuf_.PrepareRead(),
                                     [self](const boost::system::error_code& ec, size_t) {
                                       if (self->closed_) return;
                                       if (ec) return self->CloseAll();
                                       self->Drain();
                                     });
}

template class ClientSession<tcp::socket>;
template class ClientSession<SslStream>;

}  // namespace ukc::proxy
