#include "build/build_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "oci/digest.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

void Field(ukc::oci::Hasher* h, const std::string& s) {
  std::string len = std::to_string(s.size()) + ":";
  h->Update(len.data(), len.size());
  h->Update(s.data(), s.size());
}

Status HashFile(ukc::oci::Hasher* h, const fs::path& p) {
  int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::IoError("cannot read " + p.string());
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) h->Update(buf, static_cast<size_t>(n));
  close(fd);
  return n < 0 ? Status::IoError("cannot read " + p.string()) : Status::Ok();
}

Status HashContext(ukc::oci::Hasher* h, const fs::path& root, const Dockerignore* ignore) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string rel = it->path().lexically_relative(root).string();
    if (ignore == nullptr || !ignore->Ignored(rel)) paths.push_back(rel);
  }
  if (ec) return Status::IoError("walking " + root.string() + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const auto& rel : paths) {
    fs::path p = root / rel;
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) continue;
    Field(h, rel);
    Field(h, std::to_string(st.st_mode) + "/" + std::to_string(st.st_uid) + "/" +
                 std::to_string(st.st_gid) + "/" + std::to_string(st.st_size));
    if (S_ISLNK(st.st_mode)) {
      Field(h, fs::read_symlink(p, ec).string());
    } else if (S_ISREG(st.st_mode)) {
      Status s = HashFile(h, p);
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace

Status ComputeCacheKey(const CacheInputs& in, std::string* key) {
  ukc::oci::Hasher h;
  Field(&h, "ukc-dockerfile-build v1");
  Field(&h, in.dockerfile_text);
  for (const auto& [k, v] : in.build_args) Field(&h, k + "=" + v);
  Field(&h, "target=" + in.target);
  for (const auto& d : in.image_digests) Field(&h, d);
  Status s = HashContext(&h, in.context_dir, in.ignore);
  if (!s.ok()) return s;
  *key = h.Finish().ToString();
  return Status::Ok();
}

bool LoadCachedBuild(const fs::path& work_dir, const std::string& key, ImageConfig* config) {
  std::ifstream k(work_dir / "rootfs.key");
  std::string stored;
  if (!std::getline(k, stored) || stored != key) return false;
  std::error_code ec;
  if (!fs::is_directory(work_dir / "rootfs", ec)) return false;
  std::ifstream c(work_dir / "config.json");
  nlohmann::json j = nlohmann::json::parse(c, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return false;
  *config = ImageConfigFromJson(j);
  return true;
}

void InvalidateCachedBuild(const fs::path& work_dir) {
  std::error_code ec;
  fs::remove(work_dir / "rootfs.key", ec);
}

Status StoreCachedBuild(const fs::path& work_dir, const std::string& key,
                        const ImageConfig& config) {
  {
    std::ofstream c(work_dir / "config.json", std::ios::trunc);
    c << ImageConfigToJson(config).dump(2) << "\n";
    if (!c) return Status::IoError("cannot write " + (work_dir / "config.json").string());
  }
  std::ofstream k(work_dir / "rootfs.key", std::ios::trunc);
  k << key << "\n";
  return k ? Status::Ok() : Status::IoError("cannot write " + (work_dir / "rootfs.key").string());
}

}  // namespace kraft::build
