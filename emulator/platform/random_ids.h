// Random identifiers of platform objects: RFC 4122 version-4 UUIDs (lower-case) and the
// `[a-z0-9]` suffixes of generated names (ukc-api.md §2.5).
#pragma once

#include <cstddef>
#include <string>

namespace ukc::platform {

std::string NewUuid();
std::string RandomSuffix(size_t n);

}  // namespace ukc::platform
