// ClientSession, part 1: TLS handshake, dispatch to HTTP or raw mode, routing, and the request
// side of HTTP proxying (head rewrite with X-Forwarded-*, streamed request bodies). The response
// side lives in client_response.cc. See client_session.h for the contract.
#include "proxy/client_session.h"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/write.hpp>
#include <type_traits>

#include "log.h"
#include "proxy/splicer.h"

namespace ukc::proxy {

using boost::asio::ip::tcp;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// "host:port" → "host" ("[v6]:port" → "[v6]").
std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  size_t colon = host.find(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

// The route publishing `port` when exactly one does (raw TCP and SNI-less TLS on a service port).
std::optional<ServiceRoute> SoleRouteFor(const RouteTable& routes, int port) {
  std::optional<ServiceRoute> found;
  for (auto& route : routes.All()) {
    if (DestinationPort(route, port) == 0) continue;
    if (found) return std::nullopt;
    found = std::move(route);
  }
  return found;
}

}  // namespace

template <class Stream>
ClientSession<Stream>::~ClientSession() {
  Detach();
}

template <class Stream>
void ClientSession<Stream>::Start() {
  boost::system::error_code ec;
  auto& socket = client_.lowest_layer();
  socket.set_option(tcp::no_delay(true), ec);
  auto peer = socket.remote_endpoint(ec);
  if (!ec) client_ip_ = peer.address().to_string();
  ArmWatchdog();
  if constexpr (std::is_same_v<Stream, SslStream>) {
    auto self = this->shared_from_this();
    client_.async_handshake(
        boost::asio::ssl::stream_base::server, [self](const boost::system::error_code& hec) {
          if (self->closed_) return;
          if (hec) return self->CloseAll();  // garbage or unknown SNI
          self->progress_++;
          const char* name =
              SSL_get_servername(self->client_.native_handle(), TLSEXT_NAMETYPE_host_name);
          if (name != nullptr) self->sni_ = Lower(name);
          self->Dispatch();
        });
  } else {
    Dispatch();
  }
}

template <class Stream>
void ClientSession<Stream>::Dispatch() {
  const int port = config_.published_port;
  if (config_.mode == ListenerMode::kRaw) {
    auto route = SoleRouteFor(*config_.shared->routes, port);
    return route ? StartRaw(*route) : CloseAll();
  }
  if (config_.mode == ListenerMode::kTls && port != 443) {
    // A TLS service port: HTTP only where its handlers say so, else a splice.
    if (!sni_.empty() && !ResolveRoute(sni_)) return CloseAll();
    if (sni_.empty()) {
      route_ = SoleRouteFor(*config_.shared->routes, port);
      if (!route_) return CloseAll();
    }
    if (!HasHandler(*route_, port, "http")) return StartRaw(*route_);
  } else if (!sni_.empty() && !ResolveRoute(sni_)) {
    return CloseAll();
  } else if (!sni_.empty() && !HasHandler(*route_, port, "http")) {
    return StartRaw(*route_);
  }
  ReadHead();
}

template <class Stream>
void ClientSession<Stream>::StartRaw(const ServiceRoute& route) {
  auto self = this->shared_from_this();
  UpstreamConnect::Start(
      config_.shared, &upstream_, route, config_.published_port, Balance::kConnections, nullptr,
      [self](UpstreamConnect::Outcome outcome, const BackendPick& pick, const ServiceRoute& now,
             const std::string&) {
        if (outcome == UpstreamConnect::Outcome::kConnected) {
          self->attached_ = pick;
          self->in_exchange_ = true;  // the splice's, started by the balancer's Reserve
          self->route_ = now;
        }
        if (self->closed_) return;
        if (!self->attached_) return self->CloseAll();
        self->StartSplice();
      });
}

template <class Stream>
void ClientSession<Stream>::ReadHead() {
  switch (ParseRequestHead(cbuf_.view(), &req_)) {
    case ParseResult::kOk:
      return OnHead();
    case ParseResult::kBad:
      return SendError(400, "malformed HTTP request\n");
    case ParseResult::kTooLarge:
      return SendError(431, "request head larger than 64 KiB\n");
    case ParseResult::kIncomplete:
      break;
  }
  auto self = this->shared_from_this();
  client_.async_read_some(cbuf_.PrepareRead(),
                          [self](const boost::system::error_code& ec, size_t n) {
                            if (self->closed_) return;
                            if (ec) return self->CloseAll();
                            self->progress_++;
                            self->cbuf_.Commit(n);
                            self->ReadHead();
                          });
}

template <class Stream>
bool ClientSession<Stream>::ResolveRoute(const std::string& name) {
  uint64_t generation = config_.shared->routes->generation();
  if (route_ && generation == route_generation_ && name == route_name_) return true;
  route_ = config_.shared->routes->Find(name, config_.published_port);
  route_name_ = name;
  route_generation_ = generation;
  return route_.has_value();
}

template <class Stream>
void ClientSession<Stream>::OnHead() {
  is_head_ = req_.method == "HEAD";
  keep_alive_ = req_.KeepAlive();
  wants_upgrade_ = req_.connection_upgrade && !req_.upgrade.empty();
  request_sent_ = response_started_ = response_done_ = retried_ = false;
  host_.assign(HostWithoutPort(req_.host));
  const std::string& name = sni_.empty() ? host_ : sni_;
  if (!ResolveRoute(name)) return SendError(404, "no service at " + host_ + "\n");
  if (config_.published_port == 80 && HasHandler(*route_, 80, "redirect")) return SendRedirect();
  req_body_.Reset(RequestBodyKind(req_), req_.content_length);
  BuildUpstreamHead();
  cbuf_.Consume(req_.head_size);  // req_'s views are not used past this point
  AttachAndForward();
}

template <class Stream>
void ClientSession<Stream>::BuildUpstreamHead() {
  head_out_.clear();
  head_out_.append(req_.method).append(" ").append(req_.target).append(" HTTP/1.");
  head_out_.push_back(static_cast<char>('0' + req_.minor_version));
  head_out_.append("\r\n");
  std::string forwarded_for;
  for (const auto& f : req_.fields) {
    if (EqualsIgnoreCase(f.name, "x-forwarded-for")) {
      forwarded_for.append(forwarded_for.empty() ? "" : ", ").append(f.value);
      continue;
    }
    if (EqualsIgnoreCase(f.name, "x-forwarded-proto") ||
        EqualsIgnoreCase(f.name, "x-forwarded-host") ||
        EqualsIgnoreCase(f.name, "proxy-connection")) {
      continue;
    }
    head_out_.append(f.name).append(": ").append(f.value).append("\r\n");
  }
  head_out_.append("X-Forwarded-For: ");
  if (!forwarded_for.empty()) head_out_.append(forwarded_for).append(", ");
  head_out_.append(client_ip_).append("\r\nX-Forwarded-Proto: ");
  head_out_.append(std::is_same_v<Stream, SslStream> ? "https" : "http");
  head_out_.append("\r\nX-Forwarded-Host: ").append(req_.host).append("\r\n\r\n");
}

template <class Stream>
void ClientSession<Stream>::AttachAndForward() {
  const ProxyShared* shared = config_.shared;
  int destination = DestinationPort(*route_, config_.published_port);
  // Same route as when last checked, with a single backend: nothing to rebalance (the hard limit,
  // when the route has one, is still checked).
  bool unchanged = route_->backends.size() == 1 && attached_generation_ == route_generation_;
  // The exchange starts here (TryStartExchange counts it if the instance is below the hard
  // limit) or, on a new pick, in the balancer's Reserve.
  if (attached_ && upstream_.is_open() &&
      (unchanged || shared->balancer->ShouldKeep(*route_, destination, *attached_)) &&
      shared->balancer->TryStartExchange(*attached_, *route_)) {
    in_exchange_ = true;
    attached_generation_ = route_generation_;
    upstream_used_ = true;
    return ForwardHead();
  }
  LeaveUpstream();
  auto self = this->shared_from_this();
  UpstreamConnect::Start(
      shared, &upstream_, *route_, config_.published_port, Balance::kRequests, config_.pool,
      [self](UpstreamConnect::Outcome outcome, const BackendPick& pick, const ServiceRoute& now,
             const std::string& why) {
        using Outcome = UpstreamConnect::Outcome;
        if (outcome == Outcome::kConnected || outcome == Outcome::kReused) {
          self->attached_ = pick;
          self->in_exchange_ = true;  // started by the balancer's Reserve
          self->upstream_used_ = outcome == Outcome::kReused;
          self->attached_generation_ = self->route_generation_;
          self->route_ = now;  // after a wake: with the woken instance
        }
        if (self->closed_) return;
        if (outcome == UpstreamConnect::Outcome::kUnavailable) {
          return self->SendError(503, why + "\n");
        }
        if (outcome == UpstreamConnect::Outcome::kFailed) {
          return self->SendError(502, "no instance of the service answered\n");
        }
        if (outcome == UpstreamConnect::Outcome::kFull) {
          return self->SendError(503, "every instance of the service is at its hard limit of " +
                                          std::to_string(self->route_->hard_limit) +
                                          " requests in flight\n");
        }
        self->ForwardHead();
      });
}

template <class Stream>
void ClientSession<Stream>::ForwardHead() {
  upstream_idle_ = false;
  size_t body = 0;
  if (!req_body_.Take(cbuf_.data(), cbuf_.size(), &body)) {
    return SendError(400, "malformed chunked request body\n");
  }
  std::array<boost::asio::const_buffer, 2> buffers{boost::asio::buffer(head_out_),
                                                   boost::asio::buffer(cbuf_.data(), body)};
  auto self = this->shared_from_this();
  boost::asio::async_write(upstream_, buffers,
                           [self, body](const boost::system::error_code& ec, size_t) {
                             if (self->closed_) return;
                             if (ec) return self->UpstreamFailed();
                             self->progress_++;
                             self->cbuf_.Consume(body);
                             if (self->req_body_.done()) {
                               self->request_sent_ = true;
                             } else {
                               self->PumpRequestBody();
                             }
                             self->ReadResponse();
                           });
}

template <class Stream>
void ClientSession<Stream>::PumpRequestBody() {
  auto self = this->shared_from_this();
  if (!cbuf_.empty()) {
    size_t n = 0;
    if (!req_body_.Take(cbuf_.data(), cbuf_.size(), &n)) return CloseAll();
    if (n > 0) {
      boost::asio::async_write(upstream_, boost::asio::buffer(cbuf_.data(), n),
                               [self, n](const boost::system::error_code& ec, size_t) {
                                 if (self->closed_) return;
                                 if (ec) return self->CloseAll();
                                 self->progress_++;
                                 self->cbuf_.Consume(n);
                                 if (self->req_body_.done()) return self->OnRequestSent();
                                 self->PumpRequestBody();
                               });
      return;
    }
  }
  if (req_body_.done()) return OnRequestSent();
  client_.async_read_some(cbuf_.PrepareRead(),
                          [self](const boost::system::error_code& ec, size_t n) {
                            if (self->closed_) return;
                            if (ec) return self->CloseAll();
                            self->progress_++;
                            self->cbuf_.Commit(n);
                            self->PumpRequestBody();
                          });
}

template <class Stream>
void ClientSession<Stream>::OnRequestSent() {
  request_sent_ = true;
  if (response_done_) FinishExchange();
}

template <class Stream>
void ClientSession<Stream>::FinishExchange() {
  upstream_idle_ = attached_.has_value();  // kept only after a clean exchange (OnResponseDone)
  if (keep_alive_ && client_keep_alive_) return ReadHead();
  LingerClose();
}

template <class Stream>
void ClientSession<Stream>::ArmWatchdog() {
  auto self = this->shared_from_this();
  watchdog_.expires_after(config_.shared->idle_timeout);
  watchdog_.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->closed_ || self->splicing_) return;
    if (self->progress_ == self->watched_progress_) {
      Log(LogLevel::kDebug, "proxy: closing idle connection from " + self->client_ip_);
      return self->CloseAll();
    }
    self->watched_progress_ = self->progress_;
    self->ArmWatchdog();
  });
}

template class ClientSession<tcp::socket>;
template class ClientSession<SslStream>;

}  // namespace ukc::proxy
