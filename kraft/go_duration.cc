#include "go_duration.h"

#include <cctype>
#include <utility>

namespace kraft {
namespace {

// Nanoseconds per unit, longest unit names first where one is a prefix of another.
constexpr std::pair<const char*, double> kUnits[] = {
    {"ns", 1},   {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
    {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};

ukc::Status Invalid(const std::string& text) {
  return ukc::Status::InvalidArgument("time: invalid duration \"" + text + "\"");
}

// Reads "<digits>[.<digits>]" at `*pos`; false when there are no digits at all.
bool ReadNumber(const std::string& s, size_t* pos, double* value) {
  size_t start = *pos;
  while (*pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[*pos])) || s[*pos] == '.')) {
    ++*pos;
  }
  std::string number = s.substr(start, *pos - start);
  if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return false;
  *value = std::stod(number[0] == '.' ? "0" + number : number);
  return true;
}

// Reads the longest unit name at `*pos`.
bool ReadUnit(const std::string& s, size_t* pos, double* ns_per_unit) {
  size_t best = 0;
  for (const auto& [name, ns] : kUnits) {
    std::string unit = name;
    if (s.compare(*pos, unit.size(), unit) == 0 && unit.size() > best) {
      best = unit.size();
      *ns_per_unit = ns;
    }
  }
  if (best == 0) return false;
  *pos += best;
  return true;
}

}  // namespace

ukc::Status ParseGoDuration(const std::string& text, int64_t* ms) {
  std::string s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s = s.substr(1);
  }
  if (s == "0") {
    *ms = 0;
    return ukc::Status::Ok();
  }
  if (s.empty()) return Invalid(text);
  double total_ns = 0;
  for (size_t pos = 0; pos < s.size();) {
    double value = 0, ns_per_unit = 0;
    if (!ReadNumber(s, &pos, &value)) return Invalid(text);
    if (pos >= s.size()) {
      return ukc::Status::InvalidArgument("time: missing unit in duration \"" + text + "\"");
    }
    if (!ReadUnit(s, &pos, &ns_per_unit)) {
      return ukc::Status::InvalidArgument("time: unknown unit \"" + s.substr(pos, 1) +
                                          "\" in duration \"" + text + "\"");
    }
    total_ns += value * ns_per_unit;
  }
  *ms = static_cast<int64_t>(total_ns / 1e6) * (negative ? -1 : 1);
  return ukc::Status::Ok();
}

std::string FormatGoDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  uint64_t v = ms < 0 ? static_cast<uint64_t>(-ms) : static_cast<uint64_t>(ms);
  if (v < 1000) return sign + std::to_string(v) + "ms";
  uint64_t hours = v / 3600000, minutes = v / 60000 % 60, seconds = v / 1000 % 60, frac = v % 1000;
  std::string secs = std::to_string(seconds);
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    secs += "." + digits;
  }
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + secs + "s";
}

}  // namespace kraft
