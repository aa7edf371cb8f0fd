#include "build/safe_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

namespace kraft::build {
namespace fs = std::filesystem;

namespace {

std::deque<std::string> Components(const std::string& path) {
  std::deque<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string c = path.substr(i, j - i);
    if (!c.empty() && c != ".") out.push_back(c);
    i = j + 1;
  }
  return out;
}

fs::path Join(const fs::path& root, const std::vector<std::string>& parts) {
  fs::path p = root;
  for (const auto& c : parts) p /= c;
  return p;
}

}  // namespace

ukc::Status ResolveInRoot(const fs::path& root, const std::string& path, bool follow_final,
                          fs::path* out) {
  std::vector<std::string> resolved;
  std::deque<std::string> todo = Components(path);
  int links = 0;
  while (!todo.empty()) {
    std::string c = todo.front();
    todo.pop_front();
    if (c == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    fs::path candidate = Join(root, resolved) / c;
    struct stat st;
    bool last = todo.empty();
    if ((last && !follow_final) || lstat(candidate.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
      resolved.push_back(c);
      continue;
    }
    if (++links > 255)
      return ukc::Status::InvalidArgument("too many levels of symbolic links: " + path);
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = readlink(candidate.c_str(), target.data(), target.size());
    if (n < 0) return ukc::Status::IoError("readlink " + candidate.string());
    target.resize(static_cast<size_t>(n));
    if (!target.empty() && target[0] == '/') resolved.clear();
    std::deque<std::string> t = Components(target);
    todo.insert(todo.begin(), t.begin(), t.end());
  }
  *out = Join(root, resolved);
  return ukc::Status::Ok();
}

std::string CleanInRoot(const std::string& path) {
  std::vector<std::string> parts;
  for (const auto& c : Components(path)) {
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(c);
    }
  }
  std::string out;
  for (const auto& c : parts) out += "/" + c;
  return out.empty() ? "/" : out;
}

bool CleanRelative(const std::string& path, std::string* out) {
  if (!path.empty() && path[0] == '/') return false;
  std::vector<std::string> parts;
  for (const auto& c : Components(path)) {
    if (c == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else {
      parts.push_back(c);
    }
  }
  out->clear();
  for (const auto& c : parts) *out += (out->empty() ? "" : "/") + c;
  if (out->empty()) *out = ".";
  return true;
}

}  // namespace kraft::build
