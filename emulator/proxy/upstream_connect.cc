// UpstreamConnect: pick, connect, fail over, wake. See upstream_connect.h for the contract.
#include "proxy/upstream_connect.h"

#include "log.h"

namespace ukc::proxy {

using boost::asio::ip::tcp;

void UpstreamConnect::Start(const ProxyShared* shared, tcp::socket* socket, ServiceRoute route,
                            int port, Balance by, UpstreamPool* pool, Done done) {
  std::shared_ptr<UpstreamConnect> attempt(
      new UpstreamConnect(shared, socket, std::move(route), port, by, pool, std::move(done)));
  attempt->Next();
}

UpstreamConnect::UpstreamConnect(const ProxyShared* shared, tcp::socket* socket, ServiceRoute route,
                                 int port, Balance by, UpstreamPool* pool, Done done)
    : shared_(shared),
      socket_(socket),
      route_(std::move(route)),
      port_(port),
      destination_port_(DestinationPort(route_, port)),
      by_(by),
      pool_(pool),
      done_(std::move(done)),
      timer_(socket->get_executor()) {}

void UpstreamConnect::Next() {
  std::optional<BackendPick> pick =
      shared_->balancer->Reserve(route_, destination_port_, failed_, by_);
  if (!pick) {
    if (shared_->balancer->AllAtHardLimit(route_)) return Finish(Outcome::kFull);
    if (!failed_.empty()) return Finish(Outcome::kFailed);
    bool serving = ServesPort(route_, destination_port_);
    if (serving || woken_ || !(route_.scale_to_zero || route_.pending > 0)) {
      // Running backends that are all marked dead count as failed, not as absent.
      return Finish(serving ? Outcome::kFailed : Outcome::kUnavailable,
                    "no instance of the service is running");
    }
    // Standby members, or members booting or not listening yet: hold the connection until one
    // listens on the port.
    woken_ = true;
    auto self = shared_from_this();
    shared_->waker->Wake(route_.group_uuid, destination_port_, socket_->get_executor(),
                         [self](const Status& status, const ServiceRoute& route) {
                           if (!status.ok()) {
                             Log(LogLevel::kWarn, "proxy: wake " + self->route_.group_name + ": " +
                                                      status.message());
                             return self->Finish(Outcome::kUnavailable, status.message());
                           }
                           self->route_ = route;
                           self->Next();
                         });
    return;
  }
  pick_ = *pick;
  boost::system::error_code ignored;
  socket_->close(ignored);
  if (pool_ != nullptr) {
    if (auto parked = pool_->Take(pick_)) {
      *socket_ = std::move(*parked);
      shared_->balancer->Confirm(pick_);
      return Finish(Outcome::kReused);
    }
  }
  timed_out_ = false;
  auto self = shared_from_this();
  timer_.expires_after(shared_->connect_timeout);
  timer_.async_wait([self](const boost::system::error_code& ec) {
    if (ec) return;
    self->timed_out_ = true;
    boost::system::error_code ignore;
    self->socket_->close(ignore);
  });
  socket_->async_connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(),
                                       static_cast<unsigned short>(pick_.host_port)),
                         [self](const boost::system::error_code& ec) { self->OnConnected(ec); });
}

void UpstreamConnect::OnConnected(const boost::system::error_code& ec) {
  timer_.cancel();
  if (ec == boost::asio::error::operation_aborted && !timed_out_) {  // the session went away
    shared_->balancer->Unreserve(pick_);
    return Finish(Outcome::kFailed);
  }
  if (ec || timed_out_) {
    Log(LogLevel::kDebug, "proxy: backend " + pick_.instance_uuid +
                              " on 127.0.0.1:" + std::to_string(pick_.host_port) + ": " +
                              (timed_out_ ? "connect timeout" : ec.message()));
    shared_->balancer->Unreserve(pick_);
    shared_->balancer->MarkDead(pick_);
    failed_.insert(pick_.instance_uuid);
    return Next();
  }
  boost::system::error_code ignored;
  socket_->set_option(tcp::no_delay(true), ignored);
  shared_->balancer->Confirm(pick_);
  Finish(Outcome::kConnected);
}

void UpstreamConnect::Finish(Outcome outcome, const std::string& why) {
  Done done = std::move(done_);
  done(outcome, pick_, route_, why);
}

}  // namespace ukc::proxy
