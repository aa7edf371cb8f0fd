#include "humanize.h"

#include <cmath>
#include <cstdio>

namespace kraft {
namespace {

// go-humanize's humanateBytes: below 10 → "N B"; else one decimal below 10 units, none above.
std::string Humanate(uint64_t s, double base, const char* const* sizes) {
  if (s < 10) return std::to_string(s) + " B";
  int e = static_cast<int>(std::floor(std::log(static_cast<double>(s)) / std::log(base)));
  double val = std::floor(static_cast<double>(s) / std::pow(base, e) * 10 + 0.5) / 10;
  char buf[64];
  std::snprintf(buf, sizeof buf, val < 10 ? "%.1f %s" : "%.0f %s", val, sizes[e]);
  return buf;
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  static const char* const kSizes[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  return Humanate(bytes, 1000, kSizes);
}

std::string HumanIBytes(uint64_t bytes) {
  static const char* const kSizes[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  return Humanate(bytes, 1024, kSizes);
}

}  // namespace kraft
