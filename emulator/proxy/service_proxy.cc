// ServiceProxy: listeners, threads and the route-driven listener set. See service_proxy.h.
#include "proxy/service_proxy.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "log.h"

namespace ukc::proxy {

using boost::asio::ip::tcp;

struct ServiceProxy::Listener {
  int published_port = 0, bound_port = 0;
  std::atomic<ListenerMode> mode{ListenerMode::kHttp};
  std::unique_ptr<tcp::acceptor> acceptor;  // runs on ios_[0]
  std::unique_ptr<boost::asio::ssl::context> tls;
  std::atomic<bool> closed{false};
};

namespace {

Status ParseAddress(const std::string& address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("no port in '" + address + "'");
  *host = address.substr(0, colon);
  try {
    *port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    return Status::InvalidArgument("bad port in '" + address + "'");
  }
  if (*port < 0 || *port > 65535) return Status::InvalidArgument("bad port in '" + address + "'");
  return Status::Ok();
}

// The mode a published port's listener needs: TLS if any route terminates TLS there, else HTTP
// if any speaks HTTP there, else raw TCP.
ListenerMode ModeOf(const api::ServicePort& p) {
  auto has = [&p](const char* h) {
    return std::find(p.handlers.begin(), p.handlers.end(), h) != p.handlers.end();
  };
  return has("tls") ? ListenerMode::kTls : has("http") ? ListenerMode::kHttp : ListenerMode::kRaw;
}

int Rank(ListenerMode m) { return m == ListenerMode::kTls ? 2 : m == ListenerMode::kHttp ? 1 : 0; }

}  // namespace

ServiceProxy::ServiceProxy(RouteTable* routes, RouteEvents* events, CertificateAuthority* ca,
                           ServiceProxyOptions options)
    : routes_(routes),
      ca_(ca),
      options_(std::move(options)),
      balancer_(std::make_unique<LoadBalancer>(events, options_.dead_backend_skip)),
      waker_(std::make_unique<Waker>(events, options_.wake_timeout)),
      tls_(std::make_unique<TlsContexts>(ca, routes)) {
  shared_.routes = routes_;
  shared_.balancer = balancer_.get();
  shared_.waker = waker_.get();
  shared_.connect_timeout = options_.connect_timeout;
  shared_.idle_timeout = options_.idle_timeout;
}

ServiceProxy::~ServiceProxy() { Stop(); }

Status ServiceProxy::Start() {
  if (started_) return Status::Ok();
  if (Status s = tls_->Init(); !s.ok()) return s;
  std::string http_host, tls_host;
  int http_port, tls_port;
  if (Status s = ParseAddress(options_.http_address, &http_host, &http_port); !s.ok()) return s;
  if (Status s = ParseAddress(options_.tls_address, &tls_host, &tls_port); !s.ok()) return s;
  for (int i = 0; i < std::max(1, options_.threads); i++) {
    ios_.push_back(std::make_unique<boost::asio::io_context>(1));
    pools_.push_back(std::make_unique<UpstreamPool>(ios_.back()->get_executor()));
  }
  std::shared_ptr<Listener> http, tls;
  Status s = OpenListener(80, http_host, http_port, ListenerMode::kHttp, &http);
  if (s.ok()) s = OpenListener(443, tls_host, tls_port, ListenerMode::kTls, &tls);
  if (!s.ok()) {
    http.reset();
    tls.reset();
    pools_.clear();
    ios_.clear();
    return s;
  }
  http_port_ = http->bound_port;
  tls_port_ = tls->bound_port;
  shared_.redirect_tls_port = tls_port_;
  {
    std::lock_guard lock(mu_);
    listeners_[80] = http;
    listeners_[443] = tls;
    started_ = true;
  }
  Accept(http);
  Accept(tls);
  routes_->SetObserver([this] { SyncListeners(); });
  SyncListeners();
  for (auto& io : ios_) {
    work_.push_back(boost::asio::make_work_guard(*io));
    threads_.emplace_back([io = io.get()] { io->run(); });
  }
  Log(LogLevel::kInfo, "proxy: HTTP on " + http_host + ":" + std::to_string(http_port_) +
                           ", TLS on " + tls_host + ":" + std::to_string(tls_port_));
  return Status::Ok();
}

void ServiceProxy::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    started_ = false;
  }
  routes_->SetObserver(nullptr);  // no listener opens from here on
  work_.clear();
  for (auto& io : ios_) io->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  waker_->Stop();  // a Wake in progress ends by its deadline
  {
    std::lock_guard lock(mu_);
    listeners_.clear();
  }
  pools_.clear();  // closes the parked backend connections, while their io_contexts exist
  ios_.clear();    // destroys the sessions: their backend connections are released
}

Status ServiceProxy::OpenListener(int published_port, const std::string& host, int port,
                                  ListenerMode mode, std::shared_ptr<Listener>* out) {
  auto listener = std::make_shared<Listener>();
  listener->published_port = published_port;
  listener->mode = mode;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("bad listen host '" + host + "'");
  listener->acceptor = std::make_unique<tcp::acceptor>(*ios_[0]);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  listener->acceptor->open(endpoint.protocol(), ec);
  if (!ec) listener->acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) listener->acceptor->bind(endpoint, ec);
  if (!ec) listener->acceptor->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("proxy: listen on " + host + ":" + std::to_string(port) + ": " +
                               ec.message());
  }
  listener->bound_port = listener->acceptor->local_endpoint(ec).port();
  if (Status s = tls_->NewListenerContext(published_port, &listener->tls); !s.ok()) return s;
  *out = std::move(listener);
  return Status::Ok();
}

void ServiceProxy::Accept(const std::shared_ptr<Listener>& listener) {
  Listener* l = listener.get();
  size_t index = next_io_.fetch_add(1, std::memory_order_relaxed) % ios_.size();
  l->acceptor->async_accept(
      *ios_[index],
      [this, listener, index](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || listener->closed) return;
        if (!ec) {
          OnAccepted(listener, pools_[index].get(), std::move(socket));
          return Accept(listener);
        }
        // Out of descriptors or similar: try again shortly instead of spinning.
        Log(LogLevel::kWarn, "proxy: accept: " + ec.message());
        auto timer = std::make_shared<boost::asio::steady_timer>(*ios_[0]);
        timer->expires_after(std::chrono::milliseconds(100));
        timer->async_wait([this, listener, timer](const boost::system::error_code& wec) {
          if (!wec && !listener->closed) Accept(listener);
        });
      });
}

void ServiceProxy::OnAccepted(const std::shared_ptr<Listener>& listener, UpstreamPool* pool,
                              tcp::socket socket) {
  SessionConfig config{&shared_, listener->published_port, listener->mode.load(), pool};
  auto executor = socket.get_executor();
  if (config.mode == ListenerMode::kTls) {
    auto session =
        std::make_shared<ClientSession<SslStream>>(config, std::move(socket), *listener->tls);
    boost::asio::post(executor, [session] { session->Start(); });
  } else {
    auto session = std::make_shared<ClientSession<tcp::socket>>(config, std::move(socket));
    boost::asio::post(executor, [session] { session->Start(); });
  }
}

int ServiceProxy::ListenPortFor(int published_port) const {
  std::lock_guard lock(mu_);
  auto it = listeners_.find(published_port);
  return it == listeners_.end() ? 0 : it->second->bound_port;
}

void ServiceProxy::SyncListeners() {
  std::map<int, ListenerMode> wanted;
  for (const auto& route : routes_->All()) {
    for (const auto& p : route.ports) {
      if (p.port == 80 || p.port == 443 || p.port <= 0 || p.port > 65535) continue;
      auto [it, inserted] = wanted.emplace(p.port, ModeOf(p));
      if (!inserted && Rank(ModeOf(p)) > Rank(it->second)) it->second = ModeOf(p);
    }
  }
  std::lock_guard lock(mu_);
  if (!started_) return;
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    int port = it->first;
    if (port == 80 || port == 443 || wanted.count(port)) {
      ++it;
      continue;
    }
    std::shared_ptr<Listener> gone = it->second;
    gone->closed = true;
    boost::asio::post(*ios_[0], [gone] {
      boost::system::error_code ignored;
      gone->acceptor->close(ignored);
    });
    it = listeners_.erase(it);
  }
  for (const auto& [port, mode] : wanted) {
    if (auto it = listeners_.find(port); it != listeners_.end()) {
      it->second->mode = mode;
      continue;
    }
    std::shared_ptr<Listener> listener;
    Status s = port >= 1024 ? OpenListener(port, options_.bind_host, port, mode, &listener)
                            : Status::Unavailable("privileged port");
    if (!s.ok()) s = OpenListener(port, options_.bind_host, 0, mode, &listener);
    if (!s.ok()) {
      Log(LogLevel::kWarn, s.message());
      continue;
    }
    Log(LogLevel::kInfo, "proxy: published port " + std::to_string(port) + " on " +
                             options_.bind_host + ":" + std::to_string(listener->bound_port));
    listeners_[port] = listener;
    boost::asio::post(*ios_[0], [this, listener] { Accept(listener); });
  }
}

}  // namespace ukc::proxy
