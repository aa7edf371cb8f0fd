// Waker: coalesced, off-thread RouteEvents::Wake calls. See waker.h for the contract.
#include "proxy/waker.h"

#include <boost/asio/post.hpp>

namespace ukc::proxy {

Waker::Waker(RouteEvents* events, std::chrono::milliseconds timeout, int threads)
    : events_(events), timeout_(timeout), pool_(static_cast<size_t>(threads)) {}

Waker::~Waker() { Stop(); }

void Waker::Wake(const std::string& group_uuid, int destination_port,
                 boost::asio::any_io_executor executor, Callback done) {
  {
    std::lock_guard lock(mu_);
    auto& waiters = waiting_[{group_uuid, destination_port}];
    waiters.push_back({std::move(executor), std::move(done)});
    if (waiters.size() > 1) return;  // a Wake for this group and port is already running
  }
  boost::asio::post(pool_,
                    [this, group_uuid, destination_port] { Run(group_uuid, destination_port); });
}

void Waker::Run(const std::string& group_uuid, int destination_port) {
  ServiceRoute route;
  Status status = events_ == nullptr
                      ? Status::Unavailable("no controller to wake instances")
                      : events_->Wake(group_uuid, destination_port,
                                      std::chrono::steady_clock::now() + timeout_, &route);
  std::vector<Waiter> waiters;
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find({group_uuid, destination_port});
    if (it != waiting_.end()) {
      waiters = std::move(it->second);
      waiting_.erase(it);
    }
  }
  auto shared_route = std::make_shared<const ServiceRoute>(std::move(route));
  for (auto& w : waiters) {
    boost::asio::post(w.executor, [done = std::move(w.done), status, shared_route] {
      done(status, *shared_route);
    });
  }
}

void Waker::Stop() { pool_.join(); }

}  // namespace ukc::proxy
