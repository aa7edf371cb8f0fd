// Docker's path patterns: Go's filepath.Match for one component (`*`, `?`, `[a-z]`, `[^x]`,
// `\` escapes; never crossing '/') plus `**`, which matches any number of components (zero
// included), as in .dockerignore and COPY sources.
#pragma once

#include <string>
#include <vector>

namespace kraft::build {

// Matches one path component; `*bad` is set (and false returned) for a malformed pattern.
bool MatchComponent(const std::string& pattern, const std::string& name, bool* bad = nullptr);

// Matches a '/'-separated relative path against a '/'-separated pattern (both cleaned).
bool MatchPath(const std::string& pattern, const std::string& path, bool* bad = nullptr);

// False for a malformed pattern: an unclosed '[' or a trailing '\\'.
bool ValidPattern(const std::string& pattern);

// True when `pattern` has a glob meta character (* ? [).
bool HasGlobMeta(const std::string& pattern);

std::vector<std::string> SplitPath(const std::string& path);

}  // namespace kraft::build
