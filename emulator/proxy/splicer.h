// Splicer: copies bytes both ways between a client stream (TCP or TLS) and a backend TCP socket
// until both directions ended — raw TCP services and HTTP Upgrade (WebSocket) after the 101. An
// end of input on one side half-closes the other; any error closes both. `owner` (the session
// holding the streams) is kept alive until then and `on_done` runs once at the end.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <memory>
#include <string>

namespace ukc::proxy {

template <class Client>
class Splicer : public std::enable_shared_from_this<Splicer<Client>> {
 public:
  Splicer(std::shared_ptr<void> owner, Client& client, boost::asio::ip::tcp::socket& backend,
          std::function<void()> on_done)
      : owner_(std::move(owner)),
        client_(client),
        backend_(backend),
        on_done_(std::move(on_done)) {}

  // Starts with bytes already read from either side (to be delivered first).
  void Start(std::string to_backend, std::string to_client) {
    up_.pending = std::move(to_backend);
    down_.pending = std::move(to_client);
    Pump(client_, backend_, up_);
    Pump(backend_, client_, down_);
  }

 private:
  static constexpr size_t kChunk = size_t{16} * 1024;
  struct Direction {
    std::string pending;
    std::unique_ptr<char[]> buf{new char[kChunk]};
    bool done = false;
  };

  template <class From, class To>
  void Pump(From& from, To& to, Direction& d) {
    auto self = this->shared_from_this();
    if (!d.pending.empty()) {
      boost::asio::async_write(to, boost::asio::buffer(d.pending),
                               [self, &from, &to, &d](const boost::system::error_code& ec, size_t) {
                                 if (ec) return self->Fail();
                                 d.pending.clear();
                                 self->Pump(from, to, d);
                               });
      return;
    }
    from.async_read_some(
        boost::asio::buffer(d.buf.get(), kChunk),
        [self, &from, &to, &d](const boost::system::error_code& ec, size_t n) {
          if (ec) return self->EndOfInput(to, d);
          boost::asio::async_write(
              to, boost::asio::buffer(d.buf.get(), n),
              [self, &from, &to, &d](const boost::system::error_code& wec, size_t) {
                if (wec) return self->Fail();
                self->Pump(from, to, d);
              });
        });
  }

  template <class To>
  void EndOfInput(To& to, Direction& d) {
    d.done = true;
    if (failed_) return;
    boost::system::error_code ignored;
    to.lowest_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    if (up_.done && down_.done) Fail();
  }

  void Fail() {
    if (failed_) return;
    failed_ = true;
    boost::system::error_code ignored;
    client_.lowest_layer().close(ignored);
    backend_.close(ignored);
    if (on_done_) on_done_();
  }

  std::shared_ptr<void> owner_;
  Client& client_;
  boost::asio::ip::tcp::socket& backend_;
  std::function<void()> on_done_;
  Direction up_, down_;
  bool failed_ = false;
};

}  // namespace ukc::proxy
