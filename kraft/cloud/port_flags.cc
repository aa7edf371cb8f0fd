#include "cloud/port_flags.h"

#include <algorithm>
#include <cctype>
#include <climits>

namespace kraft {
namespace {

using ukc::api::ServicePort;

constexpr const char* kMalformed = "malformed port expected format EXTERNAL:INTERNAL[/HANDLER]";

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + 1) {
    parts.push_back(s.substr(start, at - start));
  }
  parts.push_back(s.substr(start));
  return parts;
}

ukc::Status Wrap(const std::string& context, const ukc::Status& s) {
  return ukc::Status::InvalidArgument(context + ": " + s.message());
}

ukc::Status ParseHandlers(const std::string& list, std::vector<std::string>* out) {
  static const std::vector<std::string> kHandlers = {"tls", "http", "redirect"};
  for (const auto& handler : Split(list, '+')) {
    if (std::find(kHandlers.begin(), kHandlers.end(), handler) == kHandlers.end()) {
      return ukc::Status::InvalidArgument("unknown handler: " + handler +
                                          " (choice of [tls http redirect])");
    }
    out->push_back(handler);
  }
  return ukc::Status::Ok();
}

ukc::Status ParseOne(std::string value, ServicePort* service) {
  if (value.find('/') != std::string::npos) {
    std::vector<std::string> split = Split(value, '/');
    if (split.size() != 2) return ukc::Status::InvalidArgument(kMalformed);
    if (ukc::Status s = ParseHandlers(split[1], &service->handlers); !s.ok()) return s;
    value = split[0];
  }
  if (value.find(':') == std::string::npos) {
    if (ukc::Status s = GoAtoi(value, &service->port); !s.ok()) {
      return Wrap("could not parse port number", s);
    }
    service->destination_port = service->port;
    return ukc::Status::Ok();
  }
  std::vector<std::string> ports = Split(value, ':');
  if (ports.size() != 2) {
    return ukc::Status::InvalidArgument("invalid --port value expected --port EXTERNAL:INTERNAL");
  }
  if (ukc::Status s = GoAtoi(ports[0], &service->port); !s.ok()) {
    return Wrap("invalid internal port", s);  // sic: kraft swaps the words
  }
  if (ukc::Status s = GoAtoi(ports[1], &service->destination_port); !s.ok()) {
    return Wrap("invalid external port", s);
  }
  return ukc::Status::Ok();
}

}  // namespace

ukc::Status GoAtoi(const std::string& text, int* value) {
  std::string digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits = digits.substr(1);
  }
  auto error = [&](const char* why) {
    return ukc::Status::InvalidArgument("strconv.Atoi: parsing \"" + text + "\": " + why);
  };
  if (digits.empty()) return error("invalid syntax");
  long long v = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return error("invalid syntax");
    v = v * 10 + (c - '0');
    if (v > INT_MAX) return error("value out of range");
  }
  *value = static_cast<int>(negative ? -v : v);
  return ukc::Status::Ok();
}

ukc::Status ParsePortFlags(const std::vector<std::string>& values, std::vector<ServicePort>* out) {
  out->clear();
  if (values.size() == 1 && values[0].rfind("443:", 0) == 0 &&
      values[0].find('/') == std::string::npos) {
    std::vector<std::string> split = Split(values[0], ':');
    if (split.size() != 2) return ukc::Status::InvalidArgument(kMalformed);
    int destination = 0;
    if (ukc::Status s = GoAtoi(split[1], &destination); !s.ok()) {
      return Wrap("invalid external port", s);
    }
    out->push_back({443, destination, {"http", "tls"}});
    out->push_back({80, 443, {"http", "redirect"}});
    return ukc::Status::Ok();
  }
  for (const auto& value : values) {
    ServicePort service;
    if (ukc::Status s = ParseOne(value, &service); !s.ok()) return s;
    out->push_back(service);
  }
  return ukc::Status::Ok();
}

nlohmann::json ServicesJson(const std::vector<ServicePort>& services) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : services) {
    nlohmann::json j = {{"port", s.port}, {"destination_port", s.destination_port}};
    if (!s.handlers.empty()) j["handlers"] = s.handlers;
    out.push_back(j);
  }
  return out;
}

}  // namespace kraft
