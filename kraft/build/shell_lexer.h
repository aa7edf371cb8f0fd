// Docker's word processing for the instructions it expands (ADD COPY ENV EXPOSE FROM LABEL
// STOPSIGNAL USER VOLUME WORKDIR ARG): quotes are removed ('…' literal, "…" expanding), the
// escape character escapes the next character, and $VAR, ${VAR}, ${VAR:-word}, ${VAR-word},
// ${VAR:+word}, ${VAR+word}, ${VAR:?msg}, ${VAR?msg} are expanded from `lookup`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft::build {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The whole text as one word (ENV/LABEL values, WORKDIR, USER, …).
ukc::Status ExpandWord(const std::string& text, const EnvLookup& lookup, char escape,
                       std::string* out);

// The text split into words on unquoted blanks (COPY sources, EXPOSE ports, ENV k=v pairs);
// unquoted expansions are split too, as Docker does.
ukc::Status ExpandWords(const std::string& text, const EnvLookup& lookup, char escape,
                        std::vector<std::string>* out);

}  // namespace kraft::build
