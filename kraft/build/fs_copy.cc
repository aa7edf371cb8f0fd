#include "build/fs_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "build/safe_path.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

Status Errno(const std::string& what, const fs::path& p) {
  return Status::IoError(what + " " + p.string() + ": " + strerror(errno));
}

std::string Child(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

void Own(const fs::path& host, const CopyAttrs& a) { (void)!lchown(host.c_str(), a.uid, a.gid); }

Status CopyFileBytes(const fs::path& src, const fs::path& host, const struct stat& st,
                     const CopyAttrs& a) {
  int in = open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("open", src);
  int out = open(host.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    close(in);
    return Errno("create", host);
  }
  std::vector<char> buf(1 << 16);
  ssize_t n;
  Status s;
  while ((n = read(in, buf.data(), buf.size())) > 0) {
    if (write(out, buf.data(), n) != n) {
      s = Errno("write", host);
      break;
    }
  }
  if (n < 0) s = Errno("read", src);
  (void)!fchown(out, a.uid, a.gid);
  fchmod(out, a.chmod ? *a.chmod : (st.st_mode & 07777));
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  futimens(out, times);
  close(in);
  close(out);
  return s;
}

}  // namespace

Status RemoveNonDir(const fs::path& host) {
  struct stat st;
  if (lstat(host.c_str(), &st) != 0) return Status::Ok();
  if (S_ISDIR(st.st_mode)) return Status::AlreadyExists(host.string() + " is a directory");
  if (unlink(host.c_str()) != 0) return Errno("unlink", host);
  return Status::Ok();
}

Status MakeDirs(const fs::path& root, const std::string& dir, fs::path* host) {
  fs::path resolved;
  Status s = ResolveInRoot(root, CleanInRoot(dir), /*follow_final=*/true, &resolved);
  if (!s.ok()) return s;
  // Every existing component of `resolved` is a real directory (links were followed); create
  // the missing ones, which are plain names.
  fs::path p = root;
  for (const auto& part : resolved.lexically_relative(root)) {
    if (part == ".") continue;
    p /= part;
    struct stat st;
    if (lstat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return Status::AlreadyExists(dir + " exists and is not a directory");
    } else if (mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) {
      return Errno("mkdir", p);
    }
  }
  if (host) *host = resolved;
  return Status::Ok();
}

Status CopyDirContents(const fs::path& src, const fs::path& root, const std::string& dest,
                       const CopyAttrs& a, const std::function<bool(const fs::path&)>& skip) {
  std::error_code ec;
  std::vector<fs::path> children;
  for (const auto& e : fs::directory_iterator(src, ec)) children.push_back(e.path());
  if (ec) return Status::IoError("read dir " + src.string() + ": " + ec.message());
  for (const auto& child : children) {
    if (skip && skip(child)) continue;
    Status s = CopyEntry(child, root, Child(dest, child.filename().string()), a, skip);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status CopyEntry(const fs::path& src, const fs::path& root, const std::string& dest,
                 const CopyAttrs& a, const std::function<bool(const fs::path&)>& skip) {
  struct stat st;
  if (lstat(src.c_str(), &st) != 0) return Errno("stat", src);
  std::string clean = CleanInRoot(dest);
  if (S_ISDIR(st.st_mode)) {
    fs::path host;
    Status s = MakeDirs(root, clean, &host);
    if (!s.ok()) return s;
    chmod(host.c_str(), a.chmod ? *a.chmod : (st.st_mode & 07777));
    Own(host, a);
    return CopyDirContents(src, root, clean, a, skip);
  }
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) return Status::Ok();  // devices etc.
  fs::path parent;
  Status s = MakeDirs(root, Parent(clean), &parent);
  if (!s.ok()) return s;
  fs::path host = parent / fs::path(clean).filename();
  s = RemoveNonDir(host);
  if (!s.ok())
    return Status::AlreadyExists("cannot copy " + src.string() + " onto directory " + clean);
  if (S_ISREG(st.st_mode)) return CopyFileBytes(src, host, st, a);
  std::error_code ec;
  fs::path target = fs::read_symlink(src, ec);
  if (ec) return Status::IoError("readlink " + src.string() + ": " + ec.message());
  if (symlink(target.c_str(), host.c_str()) != 0) return Errno("symlink", host);
  Own(host, a);
  return Status::Ok();
}

Status CloneTree(const fs::path& src, const fs::path& dst) {
  std::error_code ec;
  fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec)
    return Status::IoError("copy " + src.string() + " → " + dst.string() + ": " + ec.message());
  // fs::copy keeps modes but not owners: restore them.
  for (auto it = fs::recursive_directory_iterator(src, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st;
    if (lstat(it->path().c_str(), &st) != 0) continue;
    fs::path to = dst / it->path().lexically_relative(src);
    (void)!lchown(to.c_str(), st.st_uid, st.st_gid);
    if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) chmod(to.c_str(), st.st_mode & 07777);
  }
  return ec ? Status::IoError("walk " + src.string() + ": " + ec.message()) : Status::Ok();
}

}  // namespace kraft::build
