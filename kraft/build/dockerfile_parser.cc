#include "build/dockerfile_parser.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace kraft::build {
namespace {

using ukc::Status;

const std::set<std::string>& Keywords() {
  static const std::set<std::string> k = {
      "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
      "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
      "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};
  return k;
}

bool TakesFlags(const std::string& keyword) {
  return keyword == "FROM" || keyword == "RUN" || keyword == "COPY" || keyword == "ADD";
}

std::string TrimLeft(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b);
}

std::string TrimRight(const std::string& s) {
  size_t e = s.find_last_not_of(" \t\r");
  return e == std::string::npos ? "" : s.substr(0, e + 1);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Parses "# key=value" parser directives at the top; returns the index of the first other line.
Status ParseDirectives(const std::vector<std::string>& lines, const std::string& file,
                       Dockerfile* out, size_t* first) {
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    std::string l = TrimRight(TrimLeft(lines[i]));
    if (l.empty() || l[0] != '#') break;
    std::string body = TrimLeft(l.substr(1));
    size_t eq = body.find('=');
    if (eq == std::string::npos) break;
    std::string key = Lower(TrimRight(body.substr(0, eq)));
    std::string value = TrimRight(TrimLeft(body.substr(eq + 1)));
    if (key != "escape" && key != "syntax" && key != "check") break;
    if (out->directives.count(key)) {
      return Status::InvalidArgument(file + ":" + std::to_string(i + 1) + ": only one " + key +
                                     " parser directive can be used");
    }
    if (key == "escape") {
      if (value != "\\" && value != "`") {
        return Status::InvalidArgument(file + ":" + std::to_string(i + 1) +
                                       ": invalid escape token '" + value +
                                       "' does not match ` or \\");
      }
      out->escape = value[0];
    }
    out->directives[key] = value;
  }
  *first = i;
  return Status::Ok();
}

// Splits leading --flags off `rest` (for the instructions that take them).
void SplitFlags(std::string* rest, std::vector<std::string>* flags) {
  while (rest->rfind("--", 0) == 0) {
    size_t end = rest->find_first_of(" \t");
    flags->push_back(rest->substr(0, end));
    *rest = end == std::string::npos ? "" : TrimLeft(rest->substr(end));
  }
}

void DetectJson(Instruction* in) {
  if (in->args.empty() || in->args[0] != '[') return;
  nlohmann::json j = nlohmann::json::parse(in->args, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return;
  std::vector<std::string> items;
  for (const auto& v : j) {
    if (!v.is_string()) return;
    items.push_back(v.get<std::string>());
  }
  in->json = true;
  in->json_args = std::move(items);
}

Status MakeInstruction(const std::string& joined, int line, const std::string& file,
                       Instruction* in) {
  size_t sp = joined.find_first_of(" \t");
  std::string word = joined.substr(0, sp);
  std::string upper = word;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  std::string where = file + ":" + std::to_string(line) + ": ";
  if (!Keywords().count(upper)) {
    return Status::InvalidArgument(where + "unknown instruction \"" + word + "\"");
  }
  in->line = line;
  in->keyword = upper;
  std::string rest = sp == std::string::npos ? "" : TrimRight(TrimLeft(joined.substr(sp)));
  if (TakesFlags(upper)) SplitFlags(&rest, &in->flags);
  in->args = rest;
  in->text = TrimRight(joined);
  DetectJson(in);
  if (in->args.empty() ||
      (in->json && in->json_args.empty() && upper != "CMD" && upper != "ENTRYPOINT")) {
    return Status::InvalidArgument(where + upper + " requires at least one argument");
  }
  return Status::Ok();
}

}  // namespace

Status ParseDockerfile(const std::string& text, const std::string& file, Dockerfile* out) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  size_t i = 0;
  Status s = ParseDirectives(lines, file, out, &i);
  if (!s.ok()) return s;
  std::string joined;
  int start = 0;
  for (; i < lines.size(); ++i) {
    std::string l = TrimLeft(lines[i]);
    // Comment lines and blank lines vanish, also inside a continued instruction.
    if (l.empty() || l[0] == '#' || TrimRight(l).empty()) continue;
    if (joined.empty()) start = static_cast<int>(i) + 1;
    std::string r = TrimRight(l);
    if (r.back() == out->escape) {
      joined += r.substr(0, r.size() - 1);
      continue;
    }
    joined += r;
    Instruction in;
    s = MakeInstruction(joined, start, file, &in);
    if (!s.ok()) return s;
    out->instructions.push_back(std::move(in));
    joined.clear();
  }
  if (!TrimRight(joined).empty()) {  // a continuation at end of file
    Instruction in;
    s = MakeInstruction(joined, start, file, &in);
    if (!s.ok()) return s;
    out->instructions.push_back(std::move(in));
  }
  if (out->instructions.empty())
    return Status::InvalidArgument(file + ": file with no instructions");
  for (const auto& in : out->instructions) {  // only ARG may come before the first FROM
    if (in.keyword == "FROM") break;
    if (in.keyword != "ARG") {
      return Status::InvalidArgument(file + ":" + std::to_string(in.line) + ": " + in.keyword +
                                     " before the first FROM (no build stage in current context)");
    }
  }
  return Status::Ok();
}

std::string FlagValue(const std::vector<std::string>& flags, const std::string& name,
                      bool* present) {
  std::string value;
  bool found = false;
  for (const auto& f : flags) {
    std::string body = f.substr(2);
    size_t eq = body.find('=');
    if (body.substr(0, eq) != name) continue;
    found = true;
    value = eq == std::string::npos ? "" : body.substr(eq + 1);
  }
  if (present) *present = found;
  return value;
}

}  // namespace kraft::build
