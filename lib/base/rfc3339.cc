#include "base/rfc3339.h"

#include <ctime>

namespace ukc {

std::string Rfc3339(int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  time_t seconds = static_cast<time_t>(unix_ms / 1000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace ukc
