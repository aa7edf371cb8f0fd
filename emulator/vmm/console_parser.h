// Parses the guest console stream: lines `ukc-init: {json}` are events from ukc-init (see
// runtimes/README.md; the report may follow the start of an app's line that the app had not
// finished), everything else is app output. Feed bytes as they arrive; partial lines
// are kept until their newline.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ukc::vmm {

struct GuestEvent {
  std::string event;  // "boot" | "app-start" | "listening" | "stop" | "app-exit" | "error" | …
  std::optional<int64_t> uptime_ms;
  std::optional<int> code, signal, pid, port;
  std::optional<std::vector<int>> watching;  // app-start: the ports ukc-init reports on
  std::string reason, message;
};

// Parses one console line (without its newline); nullopt unless it is a well-formed event.
std::optional<GuestEvent> ParseConsoleLine(std::string_view line);

class ConsoleParser {
 public:
  explicit ConsoleParser(std::function<void(const GuestEvent&)> on_event)
      : on_event_(std::move(on_event)) {}
  void Feed(std::string_view bytes);

 private:
  std::function<void(const GuestEvent&)> on_event_;
  std::string partial_;
};

}  // namespace ukc::vmm
