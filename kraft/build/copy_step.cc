#include "build/copy_step.h"

#include <sys/stat.h>

#include <algorithm>

#include "build/glob.h"
#include "build/safe_path.h"
#include "build/tar_extract.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

bool IsUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("git@", 0) == 0 ||
         s.rfind("git://", 0) == 0;
}

bool IsDir(const fs::path& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Ignored(const SourceTree& from, const std::string& rel) {
  return from.ignore != nullptr && rel != "." && from.ignore->Ignored(rel);
}

// Every path under `from.root` matching `pattern` (cleaned, relative), sorted.
Status Glob(const SourceTree& from, const std::string& pattern, std::vector<fs::path>* out) {
  size_t depth = SplitPath(pattern).size();
  bool deep = pattern.find("**") != std::string::npos;
  std::error_code ec;
  std::vector<std::string> matches;
  for (auto it = fs::recursive_directory_iterator(from.root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string rel = it->path().lexically_relative(from.root).string();
    if (!deep && static_cast<size_t>(it.depth()) + 1 >= depth) it.disable_recursion_pending();
    if (Ignored(from, rel)) continue;
    if (MatchPath(pattern, rel)) matches.push_back(rel);
  }
  if (ec) return Status::IoError("walking " + from.root.string() + ": " + ec.message());
  std::sort(matches.begin(), matches.end());
  for (const auto& rel : matches) {
    fs::path host;
    Status s = ResolveInRoot(from.root, rel, /*follow_final=*/true, &host);
    if (!s.ok()) return s;
    out->push_back(host);
  }
  return Status::Ok();
}

}  // namespace

Status MatchSources(const SourceTree& from, const std::string& source, bool add,
                    std::vector<fs::path>* out) {
  if (IsUrl(source)) {
    if (!add) return Status::InvalidArgument("COPY does not take URLs: " + source);
    return Status::Unavailable("ADD " + source +
                               ": remote URLs are not supported (builds are offline); download it "
                               "into the build context and COPY it");
  }
  std::string rel;
  if (from.is_context) {
    std::string s = source;
    while (!s.empty() && s[0] == '/') s.erase(0, 1);
    if (!CleanRelative(s.empty() ? "." : s, &rel)) {
      return Status::PermissionDenied("forbidden path outside the build context: " + source);
    }
  } else {
    rel = CleanInRoot(source).substr(1);
    if (rel.empty()) rel = ".";
  }
  if (!ValidPattern(rel)) return Status::InvalidArgument("bad pattern: " + source);
  size_t before = out->size();
  if (HasGlobMeta(rel)) {
    Status s = Glob(from, rel, out);
    if (!s.ok()) return s;
  } else if (!Ignored(from, rel)) {
    fs::path host;
    Status s = ResolveInRoot(from.root, rel, /*follow_final=*/true, &host);
    if (!s.ok()) return s;
    struct stat st;
    if (lstat(host.c_str(), &st) == 0) out->push_back(host);
  }
  if (out->size() == before) {
    return Status::NotFound(std::string(from.is_context ? "file not found in build context or "
                                                          "excluded by .dockerignore: "
                                                        : "file not found: ") +
                            source);
  }
  return Status::Ok();
}

Status RunCopy(const CopyRequest& r, const SourceTree& from, const fs::path& rootfs) {
  std::vector<fs::path> matches;
  for (const auto& src : r.sources) {
    Status s = MatchSources(from, src, r.add, &matches);
    if (!s.ok()) return s;
  }
  std::string dest = r.dest;
  bool into = !dest.empty() && (dest.back() == '/' || dest == "." || dest.ends_with("/."));
  dest = CleanInRoot(dest[0] == '/' ? dest : r.workdir + "/" + dest);
  fs::path dest_host;
  Status s = ResolveInRoot(rootfs, dest, /*follow_final=*/true, &dest_host);
  if (!s.ok()) return s;
  into = into || IsDir(dest_host);
  if (matches.size() > 1 && !into) {
    return Status::InvalidArgument(
        "when using COPY with more than one source file, the destination must be a directory and "
        "end with a /");
  }
  auto skip = [&from](const fs::path& host) {
    if (!Ignored(from, host.lexically_relative(from.root).string())) return false;
    return !(from.ignore->HasExceptions() && IsDir(host));  // look inside for exceptions
  };
  for (const auto& src : matches) {
    if (IsDir(src)) {
      s = MakeDirs(rootfs, dest);
      if (s.ok()) s = CopyDirContents(src, rootfs, dest, r.attrs, skip);
    } else if (r.add && from.is_context && IsTarArchive(src)) {
      s = ExtractTar(src, rootfs, dest);
    } else {
      std::string target = into ? CleanInRoot(dest + "/" + src.filename().string()) : dest;
      s = CopyEntry(src, rootfs, target, r.attrs, skip);
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kraft::build
