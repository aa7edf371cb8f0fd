#include "vmm/console_parser.h"

#include <nlohmann/json.hpp>

namespace ukc::vmm {
namespace {

constexpr std::string_view kPrefix = "ukc-init: ";

template <typename T>
std::optional<T> Field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<T>();
}

}  // namespace

std::optional<GuestEvent> ParseConsoleLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // ukc-init writes each report in one write(), but an app may have written part of a line just
  // before (Python's print writes the text and its newline apart): the report ends the line.
  size_t at = line.find(kPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  line.remove_prefix(at + kPrefix.size());
  if (line.empty() || line.front() != '{' || line.back() != '}') return std::nullopt;
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("event") || !j["event"].is_string()) return std::nullopt;
  GuestEvent e;
  e.event = j["event"].get<std::string>();
  e.uptime_ms = Field<int64_t>(j, "uptime_ms");
  e.code = Field<int>(j, "code");
  e.signal = Field<int>(j, "signal");
  e.pid = Field<int>(j, "pid");
  e.port = Field<int>(j, "port");
  if (auto it = j.find("watching"); it != j.end() && it->is_array()) {
    e.watching.emplace();
    for (const auto& port : *it) {
      if (port.is_number_integer()) e.watching->push_back(port.get<int>());
    }
  }
  if (j.contains("reason") && j["reason"].is_string()) e.reason = j["reason"];
  if (j.contains("message") && j["message"].is_string()) e.message = j["message"];
  return e;
}

void ConsoleParser::Feed(std::string_view bytes) {
  partial_.append(bytes);
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (auto e = ParseConsoleLine(std::string_view(partial_).substr(start, nl - start))) {
      on_event_(*e);
    }
  }
  partial_.erase(0, start);
  if (partial_.size() > size_t{64} << 10) partial_.clear();  // a runaway line is app output anyway
}

}  // namespace ukc::vmm
