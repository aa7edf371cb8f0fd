#include "build/glob.h"

namespace kraft::build {
namespace {

// Matches a character class at pattern[*i] ('[' already consumed) against c.
bool MatchClass(const std::string& p, size_t* i, char c, bool* ok) {
  bool negate = *i < p.size() && p[*i] == '^';
  if (negate) ++*i;
  bool matched = false;
  bool first = true;
  while (*i < p.size() && (p[*i] != ']' || first)) {
    first = false;
    char lo = p[*i];
    if (lo == '\\' && *i + 1 < p.size()) lo = p[++*i];
    ++*i;
    char hi = lo;
    if (*i + 1 < p.size() && p[*i] == '-' && p[*i + 1] != ']') {
      hi = p[*i + 1];
      if (hi == '\\' && *i + 2 < p.size()) hi = p[++*i + 1];
      *i += 2;
    }
    if (lo <= c && c <= hi) matched = true;
  }
  if (*i >= p.size()) {
    *ok = false;
    return false;
  }
  ++*i;  // ']'
  return matched != negate;
}

bool MatchFrom(const std::string& p, size_t pi, const std::string& n, size_t ni, bool* ok) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      for (size_t k = ni; k <= n.size(); ++k) {
        if (MatchFrom(p, pi, n, k, ok)) return true;
        if (!*ok) return false;
      }
      return false;
    }
    if (ni >= n.size()) return false;
    if (c == '?') {
      ++pi;
    } else if (c == '[') {
      ++pi;
      if (!MatchClass(p, &pi, n[ni], ok)) return false;
    } else {
      if (c == '\\') {
        if (++pi >= p.size()) {
          *ok = false;
          return false;
        }
        c = p[pi];
      }
      if (c != n[ni]) return false;
      ++pi;
    }
    ++ni;
  }
  return ni == n.size();
}

bool MatchParts(const std::vector<std::string>& p, size_t pi, const std::vector<std::string>& n,
                size_t ni, bool* ok) {
  if (pi == p.size()) return ni == n.size();
  if (p[pi] == "**") {
    for (size_t k = ni; k <= n.size(); ++k) {
      if (MatchParts(p, pi + 1, n, k, ok)) return true;
    }
    return false;
  }
  if (ni == n.size()) return false;
  if (!MatchFrom(p[pi], 0, n[ni], 0, ok)) return false;
  return MatchParts(p, pi + 1, n, ni + 1, ok);
}

}  // namespace

bool MatchComponent(const std::string& pattern, const std::string& name, bool* bad) {
  bool ok = true;
  bool m = MatchFrom(pattern, 0, name, 0, &ok);
  if (bad) *bad = !ok;
  return ok && m;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool MatchPath(const std::string& pattern, const std::string& path, bool* bad) {
  bool ok = true;
  bool m = MatchParts(SplitPath(pattern), 0, SplitPath(path), 0, &ok);
  if (bad) *bad = !ok;
  return ok && m;
}

bool ValidPattern(const std::string& p) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (++i >= p.size()) return false;
    } else if (p[i] == '[') {
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') ++j;
      if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a member
      while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
      if (j >= p.size()) return false;
      i = j;
    }
  }
  return true;
}

bool HasGlobMeta(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

}  // namespace kraft::build
