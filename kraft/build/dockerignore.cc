#include "build/dockerignore.h"

#include <fstream>
#include <sstream>

#include "build/glob.h"
#include "build/safe_path.h"

namespace kraft::build {

ukc::Status Dockerignore::Load(const std::filesystem::path& context_dir, Dockerignore* out) {
  std::ifstream in(context_dir / ".dockerignore");
  if (!in) return ukc::Status::Ok();
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), out);
}

ukc::Status Dockerignore::Parse(const std::string& text, Dockerignore* out) {
  std::stringstream ss(text);
  int n = 0;
  for (std::string line; std::getline(ss, line);) {
    ++n;
    size_t b = line.find_first_not_of(" \t\r");
    size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    line = line.substr(b, e - b + 1);
    Rule rule;
    if (line[0] == '!') {
      rule.exception = true;
      line = line.substr(1);
    }
    std::string cleaned = CleanInRoot(line).substr(1);  // "/a/../b" → "b"
    if (cleaned.empty()) cleaned = ".";
    if (!ValidPattern(cleaned)) {
      return ukc::Status::InvalidArgument(".dockerignore:" + std::to_string(n) +
                                          ": bad pattern \"" + line + "\"");
    }
    rule.pattern = cleaned;
    out->rules_.push_back(rule);
  }
  return ukc::Status::Ok();
}

bool Dockerignore::Ignored(const std::string& rel) const {
  for (const auto& dir : always_) {
    if (rel == dir || (rel.size() > dir.size() && rel.compare(0, dir.size(), dir) == 0 &&
                       rel[dir.size()] == '/')) {
      return true;
    }
  }
  std::vector<std::string> parts = SplitPath(rel);
  bool ignored = false;
  for (const auto& rule : rules_) {
    bool match = false;
    std::string prefix;
    for (const auto& part : parts) {  // the path or any of its parents
      prefix += (prefix.empty() ? "" : "/") + part;
      if (MatchPath(rule.pattern, prefix)) {
        match = true;
        break;
      }
    }
    if (match) ignored = !rule.exception;
  }
  return ignored;
}

bool Dockerignore::HasExceptions() const {
  for (const auto& rule : rules_) {
    if (rule.exception) return true;
  }
  return false;
}

}  // namespace kraft::build
