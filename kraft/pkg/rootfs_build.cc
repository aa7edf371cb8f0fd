#include "pkg/rootfs_build.h"

#include <unistd.h>

#include <algorithm>

#include "pkg/cpio_writer.h"
#include "pkg/dockerfile_rootfs.h"
#include "pkg/erofs.h"
#include "pkg/rootfs_unpack.h"

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

// A scratch directory removed on scope exit.
class TempDir {
 public:
  explicit TempDir(const fs::path& parent)
      : path_(parent / ("rootfs.tmp." + std::to_string(getpid()))) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_, ec);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Status FromDirectory(const fs::path& dir, const RootfsRequest& r, const fs::path& out,
                     RootfsResult* result) {
  if (r.type == "erofs") return WriteErofsFromDirectory(dir, out);
  CpioResult cpio;
  Status s = WriteCpioFromDirectory(dir, out, &cpio);
  result->warnings = cpio.warnings;
  return s;
}

// Writes the new rootfs to `out` (a temp name next to the final file).
Status Produce(const RootfsRequest& r, const fs::path& out, RootfsResult* result) {
  std::error_code ec;
  const fs::path& src = r.source;
  if (IsDockerfilePath(src) && fs::is_regular_file(src, ec)) {
    TempDir dir(r.outdir);
    DockerfileRootfs built;
    Status s = BuildDockerfileRootfs(src, r.workdir, r.build_args, r.build_target, r.registry,
                                     dir.path(), &built);
    if (!s.ok()) return s;
    result->args = built.args;
    result->env = built.env;
    s = FromDirectory(dir.path(), r, out, result);
    result->warnings.insert(result->warnings.begin(), built.warnings.begin(), built.warnings.end());
    return s;
  }
  if (fs::is_directory(src, ec)) return FromDirectory(src, r, out, result);
  if (!fs::is_regular_file(src, ec)) {
    return Status::NotFound("rootfs " + src.string() + " does not exist");
  }
  bool cpio = IsCpioFile(src);
  if ((cpio && r.type == "cpio") || (!cpio && r.type == "erofs" && src.extension() == ".erofs")) {
    fs::copy_file(src, out, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IoError("copy " + src.string() + ": " + ec.message());
    return Status::Ok();
  }
  if (!cpio && r.type == "cpio") {
    CpioResult res;
    Status s = WriteCpioFromTarball(src, out, &res);
    result->warnings = res.warnings;
    return s;
  }
  TempDir dir(r.outdir);  // erofs from a cpio or a tarball: unpack first
  if (Status s = UnpackRootfsArchive(src, dir.path()); !s.ok()) return s;
  return FromDirectory(dir.path(), r, out, result);
}

}  // namespace

bool IsDockerfilePath(const fs::path& path) {
  std::string name = path.filename().string();
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return name.find("dockerfile") != std::string::npos;
}

Status BuildRootfs(const RootfsRequest& r, RootfsResult* result) {
  *result = RootfsResult{};
  if (r.type != "cpio" && r.type != "erofs") {
    return Status::InvalidArgument("unknown rootfs type '" + r.type + "' (cpio or erofs)");
  }
  std::error_code ec;
  fs::create_directories(r.outdir, ec);
  if (ec) return Status::IoError("create " + r.outdir.string() + ": " + ec.message());
  result->file =
      r.outdir / (r.type == "erofs" ? "initramfs-x86_64.erofs" : "initramfs-x86_64.cpio");
  fs::path fresh = result->file;
  fresh += ".new";
  if (Status s = Produce(r, fresh, result); !s.ok()) {
    fs::remove(fresh, ec);
    return s;
  }
  if (Status s = FileDigest(fresh, &result->digest, &result->size); !s.ok()) return s;
  std::string old_digest;
  if (!r.no_cache && fs::exists(result->file, ec) &&
      FileDigest(result->file, &old_digest, nullptr).ok() && old_digest == result->digest) {
    fs::remove(fresh, ec);
    result->reused = true;
    return Status::Ok();
  }
  fs::rename(fresh, result->file, ec);
  if (ec) return Status::IoError("rename into " + result->file.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace kraft
