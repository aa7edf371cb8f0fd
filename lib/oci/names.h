// Name rules of the OCI distribution spec: repository names, tags, and references.
#pragma once

#include <string_view>

namespace ukc::oci {

// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`, at most 255 characters.
bool IsValidRepositoryName(std::string_view name);
// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
bool IsValidTag(std::string_view tag);

}  // namespace ukc::oci
