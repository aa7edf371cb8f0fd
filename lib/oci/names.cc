#include "oci/names.h"

namespace ukc::oci {

namespace {
bool IsAlnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: alnum runs joined by '.', '_', '__' or one or more '-'.
bool IsValidComponent(std::string_view c) {
  if (c.empty() || !IsAlnumLower(c.front()) || !IsAlnumLower(c.back())) return false;
  size_t i = 0;
  while (i < c.size()) {
    if (IsAlnumLower(c[i])) {
      i++;
      continue;
    }
    size_t start = i;
    while (i < c.size() && !IsAlnumLower(c[i])) i++;
    std::string_view sep = c.substr(start, i - start);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
  }
  return true;
}
}  // namespace

bool IsValidRepositoryName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view component = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!IsValidComponent(component)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(tag[0])) return false;
  for (char c : tag.substr(1)) {
    if (!(word(c) || c == '.' || c == '-')) return false;
  }
  return true;
}

}  // namespace ukc::oci
