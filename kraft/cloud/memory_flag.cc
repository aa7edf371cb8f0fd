#include "cloud/memory_flag.h"

#include <cctype>
#include <climits>
#include <cmath>
#include <utility>

namespace kraft {
namespace {

constexpr const char* kFormatWrong =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The multiplier of a quantity suffix: binary (Ki…Ei), decimal SI (n…E) or an exponent (e3, E-2).
bool SuffixMultiplier(const std::string& suffix, long double* multiplier) {
  static const std::pair<const char*, long double> kSuffixes[] = {
      {"", 1},         {"Ki", 0x1p10L}, {"Mi", 0x1p20L}, {"Gi", 0x1p30L},
      {"Ti", 0x1p40L}, {"Pi", 0x1p50L}, {"Ei", 0x1p60L}, {"n", 1e-9L},
      {"u", 1e-6L},    {"m", 1e-3L},    {"k", 1e3L},     {"M", 1e6L},
      {"G", 1e9L},     {"T", 1e12L},    {"P", 1e15L},    {"E", 1e18L}};
  for (const auto& [name, value] : kSuffixes) {
    if (suffix == name) {
      *multiplier = value;
      return true;
    }
  }
  if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return false;
  std::string exponent = suffix.substr(1);
  std::string digits = exponent[0] == '+' || exponent[0] == '-' ? exponent.substr(1) : exponent;
  if (!AllDigits(digits)) return false;
  *multiplier = std::pow(10.0L, std::stold(exponent));
  return true;
}

}  // namespace

ukc::Status ParseQuantityBytes(const std::string& quantity, long double* bytes) {
  size_t pos = 0;
  bool negative = false;
  if (pos < quantity.size() && (quantity[pos] == '+' || quantity[pos] == '-')) {
    negative = quantity[pos++] == '-';
  }
  size_t number_start = pos;
  while (pos < quantity.size() &&
         (std::isdigit(static_cast<unsigned char>(quantity[pos])) || quantity[pos] == '.')) {
    ++pos;
  }
  std::string number = quantity.substr(number_start, pos - number_start);
  bool has_digit = number.find_first_of("0123456789") != std::string::npos;
  if (!has_digit || number.find('.') != number.rfind('.')) {
    return ukc::Status::InvalidArgument(kFormatWrong);
  }
  long double multiplier = 1;
  if (!SuffixMultiplier(quantity.substr(pos), &multiplier)) {
    return ukc::Status::InvalidArgument("unable to parse quantity's suffix");
  }
  long double value = std::stold(number[0] == '.' ? "0" + number : number) * multiplier;
  *bytes = std::ceil(negative ? -value : value);
  return ukc::Status::Ok();
}

ukc::Status ParseMemoryFlag(const std::string& value, int* memory_mb) {
  std::string quantity = AllDigits(value) ? value + "Mi" : value;
  long double bytes = 0;
  if (ukc::Status s = ParseQuantityBytes(quantity, &bytes); !s.ok()) {
    return ukc::Status::InvalidArgument("could not parse memory quantity: " + s.message());
  }
  if (bytes < 1024.0L * 1024.0L) {
    return ukc::Status::InvalidArgument("memory must be at least 1Mi");
  }
  long double mib = std::floor(bytes / (1024.0L * 1024.0L));
  *memory_mb = mib > INT_MAX ? INT_MAX : static_cast<int>(mib);
  return ukc::Status::Ok();
}

std::optional<int> DefaultMemoryMb(int64_t image_size_in_bytes) {
  double mib = static_cast<double>(image_size_in_bytes / 1024 / 1024);  // Go's integer division
  int mem = static_cast<int>(std::round(std::pow(2.0, std::log2(mib * 1.1))));
  if (mem > 128) return mem;
  return std::nullopt;
}

}  // namespace kraft
