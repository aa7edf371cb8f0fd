// ClientSession: one client connection accepted by the service proxy, over plain TCP or TLS
// (handshake first; the SNI picks the service). Then either
//  - HTTP mode: HTTP/1.1 reverse proxying, request by request (keep-alive on both sides, bodies
//    streamed as they come — Content-Length, chunked, or until close —, X-Forwarded-For/-Proto/
//    -Host added, 1xx passed on, `Upgrade` switching to a byte splice after a 101), the backend
//    re-chosen per request by fewest requests in flight (an idle backend connection left behind
//    is parked in the io thread's UpstreamPool for reuse, also when the client leaves); redirect
//    handlers answer 301/308 to https; or
//  - raw mode: one backend connection and a byte splice.
// Errors: unknown host 404, no backend 503, backends failing 502, bad request 400, head too big
// 431 — each a short text body, then the connection closes. Runs on one io_context thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "proxy/byte_buffer.h"
#include "proxy/http_head.h"
#include "proxy/upstream_connect.h"

namespace ukc::proxy {

using SslStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

// How a listener treats its connections.
enum class ListenerMode { kHttp, kTls, kRaw };

struct SessionConfig {
  const ProxyShared* shared = nullptr;
  int published_port = 0;  // 80, 443, or the service port the listener stands for
  ListenerMode mode = ListenerMode::kHttp;
  UpstreamPool* pool = nullptr;  // the io thread's parked backend connections (null: none)
};

template <class Stream>
class ClientSession : public std::enable_shared_from_this<ClientSession<Stream>> {
 public:
  // Plain TCP: `Stream` is the socket. TLS: `Stream` wraps it with the listener's context.
  template <class... Args>
  explicit ClientSession(const SessionConfig& config, Args&&... stream_args)
      : config_(config),
        client_(std::forward<Args>(stream_args)...),
        upstream_(client_.get_executor()),
        watchdog_(client_.get_executor()),
        cbuf_(size_t{16} * 1024, kMaxHeadSize),
        ubuf_(size_t{16} * 1024, kMaxHeadSize) {}
  ~ClientSession();

  void Start();

 private:
  // client_session.cc: setup, routing, request side.
  void Dispatch();
  void StartRaw(const ServiceRoute& route);
  void ReadHead();
  void OnHead();
  bool ResolveRoute(const std::string& name);
  void AttachAndForward();
  void BuildUpstreamHead();
  void ForwardHead();
  void PumpRequestBody();
  void OnRequestSent();
  void FinishExchange();
  void ArmWatchdog();
  // client_response.cc: response side, errors, endings.
  void ReadResponse();
  void OnResponseHead();
  bool AwaitingRestOfSmallResponse();  // true: reading on, OnResponseHead() runs again
  void RewriteResponseHead();  // into resp_head_out_: HTTP/1.1, Connection as the client gets it
  void ForwardResponseBody(size_t skip);
  void OnResponseDone();
  void StartSplice();
  void UpstreamFailed();
  void BadGateway(const std::string& text);
  void SendRedirect();
  void SendError(int status, const std::string& text);
  void Detach();
  void LeaveUpstream();  // parks an idle backend connection in the pool, else Detach()
  // Reports ExchangeFinished on the attached backend if an exchange is in flight there (the
  // balancer started it: Reserve for a new pick, TryStartExchange on a kept connection).
  void EndExchange();
  void CloseAll();
  void LingerClose();
  void Drain();

  SessionConfig config_;
  Stream client_;
  boost::asio::ip::tcp::socket upstream_;
  boost::asio::steady_timer watchdog_;
  ByteBuffer cbuf_, ubuf_;
  std::string client_ip_, sni_;

  // The route for the current lookup name, cached while the route table is unchanged.
  std::optional<ServiceRoute> route_;
  std::string route_name_;
  uint64_t route_generation_ = 0;

  std::optional<BackendPick> attached_;  // the backend upstream_ is connected to
  uint64_t attached_generation_ = 0;     // route generation the attachment was last checked at
  bool upstream_used_ = false;           // upstream_ served a request before this one

  // The request in flight.
  RequestHead req_;
  ResponseHead resp_;
  BodyFramer req_body_, resp_body_;
  std::string head_out_, host_, reply_;
  bool is_head_ = false, keep_alive_ = false, wants_upgrade_ = false, retried_ = false;
  bool request_sent_ = false, response_started_ = false, response_done_ = false;
  bool response_keep_alive_ = false;  // the backend connection serves another request
  bool client_keep_alive_ = false;    // the client connection does
  std::string resp_head_out_;         // a rewritten response head; empty: forwarded as is
  bool closed_ = false, splicing_ = false;
  bool in_exchange_ = false;    // ExchangeStarted reported for attached_, not yet finished
  bool upstream_idle_ = false;  // attached, between exchanges: may serve another client
  uint64_t progress_ = 0, watched_progress_ = 0;
};

extern template class ClientSession<boost::asio::ip::tcp::socket>;
extern template class ClientSession<SslStream>;

}  // namespace ukc::proxy
