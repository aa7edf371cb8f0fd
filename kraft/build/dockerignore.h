// .dockerignore: one pattern a line (glob.h syntax), `#` comments, blank lines skipped, a leading
// `!` makes an exception, a leading '/' is dropped, patterns are cleaned. A path is ignored when
// the last pattern matching it, or one of its parent directories, is not an exception.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft::build {

class Dockerignore {
 public:
  // Reads `<context>/.dockerignore` (absent: nothing ignored).
  static ukc::Status Load(const std::filesystem::path& context_dir, Dockerignore* out);
  // Parses the file's text.
  static ukc::Status Parse(const std::string& text, Dockerignore* out);

  // `rel` is '/'-separated and relative to the context ("src/a.txt").
  bool Ignored(const std::string& rel) const;
  // Always ignores `rel` and everything below it (the builder's own work dir inside a context).
  void ExcludeAlways(const std::string& rel) { always_.push_back(rel); }
  // True when some rule is an exception: an ignored directory may still hold kept files.
  bool HasExceptions() const;
  bool empty() const { return rules_.empty() && always_.empty(); }

 private:
  struct Rule {
    std::string pattern;
    bool exception = false;
  };
  std::vector<Rule> rules_;
  std::vector<std::string> always_;
};

}  // namespace kraft::build
