#include "vmm/qmp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace ukc::vmm {
namespace {

using Clock = std::chrono::steady_clock;

class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) close(fd_);
    if (dir_fd_ >= 0) close(dir_fd_);
  }
  Status Connect(const std::filesystem::path& socket_path) {
    std::string path = socket_path.string();
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) {
      dir_fd_ = open(socket_path.parent_path().c_str(), O_PATH | O_CLOEXEC);
      if (dir_fd_ < 0) return Status::Unavailable("QMP: no directory for " + path);
      path = "/proc/self/fd/" + std::to_string(dir_fd_) + "/" + socket_path.filename().string();
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return Status::Unavailable("QMP: cannot connect to " + socket_path.string() + ": " +
                                 strerror(errno));
    }
    return Status::Ok();
  }
  // Reads JSON lines until one has "return" or "error" (or, with greeting, "QMP").
  Status ReadReply(Clock::time_point deadline, bool greeting, nlohmann::json* reply) {
    for (;;) {
      for (size_t nl; (nl = buffer_.find('\n')) != std::string::npos;) {
        auto j = nlohmann::json::parse(buffer_.substr(0, nl), nullptr, false);
        buffer_.erase(0, nl + 1);
        if (!j.is_object()) continue;
        if (greeting ? j.contains("QMP") : (j.contains("return") || j.contains("error"))) {
          *reply = std::move(j);
          return Status::Ok();
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return Status::Unavailable("QMP: no reply in time");
      }
      char chunk[4096];
      ssize_t n = read(fd_, chunk, sizeof(chunk));
      if (n <= 0) return Status::Unavailable("QMP: connection closed");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }
  Status Send(const nlohmann::json& message) {
    std::string line = message.dump() + "\n";
    if (send(fd_, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
      return Status::Unavailable("QMP: send failed");
    }
    return Status::Ok();
  }

 private:
  int fd_ = -1, dir_fd_ = -1;
  std::string buffer_;
};

}  // namespace

Status QmpCall(const std::filesystem::path& socket, const nlohmann::json& command,
               std::chrono::milliseconds timeout, nlohmann::json* result) {
  auto deadline = Clock::now() + timeout;
  Connection c;
  nlohmann::json reply;
  if (Status s = c.Connect(socket); !s.ok()) return s;
  if (Status s = c.ReadReply(deadline, true, &reply); !s.ok()) return s;
  std::string name = command.value("execute", "");
  for (const nlohmann::json& message : {nlohmann::json{{"execute", "qmp_capabilities"}}, command}) {
    if (Status s = c.Send(message); !s.ok()) return s;
    if (Status s = c.ReadReply(deadline, false, &reply); !s.ok()) {
      if (message.value("execute", "") == "quit") return Status::Ok();  // may close first
      return s;
    }
    if (reply.contains("error")) return Status::Internal("QMP " + name + ": " + reply.dump());
  }
  if (result) *result = reply.value("return", nlohmann::json());
  return Status::Ok();
}

Status QmpExecute(const std::filesystem::path& socket, const std::string& command,
                  std::chrono::milliseconds timeout) {
  return QmpCall(socket, {{"execute", command}}, timeout, nullptr);
}

}  // namespace ukc::vmm
