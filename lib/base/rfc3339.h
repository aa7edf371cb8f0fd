// RFC3339 UTC timestamps as the platform API writes them ("2026-11-26T21:44:27Z").
#pragma once

#include <cstdint>
#include <string>

namespace ukc {

// Of unix milliseconds (second precision); "" for 0 or less, the API's "unset".
std::string Rfc3339(int64_t unix_ms);

}  // namespace ukc
