// UpstreamPool: parked backend connections. See upstream_pool.h for the contract.
#include "proxy/upstream_pool.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace ukc::proxy {

namespace {

// Open, and nothing to read: a peek that would block. (EOF, an error or unasked-for bytes: no.)
bool Usable(boost::asio::ip::tcp::socket& socket) {
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

void UpstreamPool::Park(const BackendPick& pick, boost::asio::ip::tcp::socket socket) {
  auto now = std::chrono::steady_clock::now();
  DropExpired(now);
  auto& list = parked_[Key{pick.instance_uuid, pick.host_port}];
  list.push_back(Parked{std::move(socket), now});
  while (list.size() > max_per_backend_) list.pop_front();  // the socket closes with it
  ArmExpiry();
}

std::optional<boost::asio::ip::tcp::socket> UpstreamPool::Take(const BackendPick& pick) {
  auto it = parked_.find(Key{pick.instance_uuid, pick.host_port});
  if (it == parked_.end()) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() - max_idle_;
  std::optional<boost::asio::ip::tcp::socket> found;
  auto& list = it->second;
  while (!list.empty() && !found) {
    Parked parked = std::move(list.back());
    list.pop_back();
    if (parked.since > deadline && Usable(parked.socket)) found.emplace(std::move(parked.socket));
  }
  if (list.empty()) parked_.erase(it);
  return found;
}

size_t UpstreamPool::idle() const {
  size_t n = 0;
  for (const auto& [key, list] : parked_) n += list.size();
  return n;
}

void UpstreamPool::Clear() {
  parked_.clear();
  expiry_.cancel();
}

void UpstreamPool::ArmExpiry() {
  if (expiry_armed_ || parked_.empty()) return;
  auto oldest = std::chrono::steady_clock::time_point::max();
  for (const auto& [key, list] : parked_) oldest = std::min(oldest, list.front().since);
  expiry_armed_ = true;
  expiry_.expires_at(oldest + max_idle_);
  expiry_.async_wait([this](const boost::system::error_code& ec) {
    expiry_armed_ = false;
    if (ec) return;
    DropExpired(std::chrono::steady_clock::now());
    ArmExpiry();
  });
}

void UpstreamPool::DropExpired(std::chrono::steady_clock::time_point now) {
  for (auto it = parked_.begin(); it != parked_.end();) {
    auto& list = it->second;
    while (!list.empty() && now - list.front().since >= max_idle_) list.pop_front();
    it = list.empty() ? parked_.erase(it) : std::next(it);
  }
}

}  // namespace ukc::proxy
