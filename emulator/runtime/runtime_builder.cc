#include "runtime/runtime_builder.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "runtime/image_publisher.h"
#include "store/data_dir.h"

namespace ukc::runtime {

namespace fs = std::filesystem;

fs::path DefaultCacheDir() {
  if (const char* c = std::getenv("UKC_RUNTIME_CACHE"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    return fs::path(x) / "ukc-emu" / "runtimes";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : "/tmp") / ".cache" / "ukc-emu" / "runtimes";
}

fs::path AccelCacheFile() { return DefaultCacheDir() / "accel"; }

RuntimeBuilder::RuntimeBuilder(BuildOptions options, CommandRunner* runner,
                               registry::RegistryStore* store, std::ostream* progress)
    : options_(std::move(options)), runner_(runner), store_(store), progress_(progress) {}

void RuntimeBuilder::Step(const Recipe& recipe, const std::string& what) {
  *progress_ << "runtime " << recipe.DisplayName() << ": " << what << std::endl;
}

Status RuntimeBuilder::PrepareShared() {
  if (shared_ready_) return Status::Ok();
  const fs::path& rt = options_.runtimes_dir;
  std::error_code ec;
  fs::create_directories(options_.cache_dir / "images", ec);
  fs::path log = options_.cache_dir / "images" / "shared.log";
  std::string out;
  Command fetch{
      {(rt / "kernel" / "fetch-kernel.sh").string(), (options_.cache_dir / "kernel").string()},
      log};
  if (Status s = runner_->Run(fetch, &out); !s.ok()) return s;
  kernel_version_ = FindValue(out, "version");
  kernel_package_ = FindValue(out, "package");
  vmlinux_ = FindValue(out, "vmlinux");
  modules_ = FindValue(out, "modules");
  if (vmlinux_.empty() || modules_.empty()) {
    return Status::Internal("fetch-kernel.sh gave no vmlinux= (PVH ELF) or modules= line");
  }
  *progress_ << "runtime: kernel " << kernel_version_ << " (" << vmlinux_.string() << ")"
             << std::endl;
  fs::path init_dir = options_.cache_dir / "init";
  Command make{{"make", "-s", "-C", (rt / "init").string(), "OUT=" + init_dir.string()}, log};
  if (Status s = runner_->Run(make, &out); !s.ok()) return s;
  init_ = init_dir / "ukc-init";
  shared_ready_ = true;
  return Status::Ok();
}

namespace {

// Hashes every regular file under `dir` (path relative to `base`, then content).
void HashTree(const fs::path& dir, const fs::path& base, oci::Hasher* hasher) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename() != "build") files.push_back(it->path());
  }
  if (fs::is_regular_file(dir)) files.push_back(dir);
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (f.string().find("/build/") != std::string::npos) continue;  // make output dirs
    std::string rel = f.lexically_relative(base).string(), content;
    store::ReadFile(f, &content);
    hasher->Update(rel.data(), rel.size() + 1);
    std::string size = std::to_string(content.size()) + "\n";
    hasher->Update(size.data(), size.size());
    hasher->Update(content.data(), content.size());
  }
}

}  // namespace

std::string RuntimeBuilder::InputKey(const Recipe& recipe) const {
  oci::Hasher hasher;
  std::string head = "ukc-runtime-image v1\n" + kernel_version_ + "\n" + kernel_package_ + "\n";
  hasher.Update(head.data(), head.size());
  const fs::path& rt = options_.runtimes_dir;
  for (const fs::path& p : {recipe.dir, rt / "base", rt / "build-initrd.sh", rt / "init"}) {
    HashTree(p, rt, &hasher);
  }
  return hasher.Finish().ToString();
}

Status RuntimeBuilder::BuildLayers(const Recipe& recipe, const fs::path& work, Stamp* stamp) {
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) return Status::IoError("create " + work.string() + ": " + ec.message());
  fs::path log = work / "build.log", rootfs = work / "rootfs", cpio = work / "initrd.cpio";
  fs::remove(log, ec);
  Step(recipe, "building rootfs (" + (recipe.dir / "build-rootfs.sh").string() + ", log " +
                   log.string() + ")");
  std::string out;
  Command rootfs_cmd{{(recipe.dir / "build-rootfs.sh").string(), rootfs.string(),
                      (options_.cache_dir / recipe.ShortName()).string()},
                     log};
  if (Status s = runner_->Run(rootfs_cmd, &out); !s.ok()) return s;
  stamp->contents = FindValue(out, "contents");
  stamp->extra_tag = FindValue(out, "tag");
  Step(recipe, "building initrd (" + stamp->contents + ")");
  Command initrd_cmd{{(options_.runtimes_dir / "build-initrd.sh").string(), "--out", cpio.string(),
                      "--init", init_.string(), "--kmods", modules_.string(), "--rootfs",
                      rootfs.string(), "--compress", "none"},
                     log};
  if (Status s = runner_->Run(initrd_cmd, &out); !s.ok()) return s;
  Step(recipe, "packing layers");
  ImageSpec spec = MakeSpec(recipe, *stamp);
  spec.kernel = vmlinux_;
  spec.initrd = cpio;
  PackedImage image;
  if (Status s = PackImage(spec, work, &image); !s.ok()) return s;
  stamp->kernel_layer = image.kernel_layer;
  stamp->initrd_layer = image.initrd_layer;
  // The tars hold everything now; the tree and the cpio are only intermediate.
  fs::remove_all(rootfs, ec);
  fs::remove(cpio, ec);
  return WriteStamp(work, *stamp);
}

ImageSpec RuntimeBuilder::MakeSpec(const Recipe& recipe, const Stamp& stamp) const {
  ImageSpec spec;
  spec.repository = recipe.repository;
  spec.kernel_version = kernel_version_;
  spec.cmd = recipe.cmd;
  spec.env = recipe.env;
  spec.labels = recipe.labels;
  spec.labels[kLabelRuntimeName] = recipe.DisplayName();
  if (!stamp.contents.empty()) spec.labels[kLabelRuntimeContents] = stamp.contents;
  spec.labels[kLabelRuntimeKernel] =
      "Linux " + kernel_version_ + " (Debian " + kernel_package_ + ")";
  if (!recipe.description.empty()) spec.labels[kLabelDescription] = recipe.description;
  return spec;
}

bool RuntimeBuilder::ReadStamp(const fs::path& work, Stamp* stamp) const {
  std::string text;
  if (!store::ReadFile(work / "stamp.json", &text).ok()) return false;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return false;
  stamp->key = j.value("key", "");
  stamp->contents = j.value("contents", "");
  stamp->extra_tag = j.value("tag", "");
  for (auto [name, layer] :
       {std::pair{"kernel", &stamp->kernel_layer}, std::pair{"initrd", &stamp->initrd_layer}}) {
    auto l = j.value(name, nlohmann::json::object());
    auto digest = oci::Digest::Parse(l.value("digest", ""));
    if (!digest) return false;
    layer->digest = *digest;
    layer->size = l.value("size", uint64_t{0});
    layer->file = work / (std::string(name) + ".tar");
    std::error_code ec;
    if (fs::file_size(layer->file, ec) != layer->size || ec) return false;
  }
  return true;
}

Status RuntimeBuilder::WriteStamp(const fs::path& work, const Stamp& stamp) const {
  nlohmann::json j = {
      {"key", stamp.key},
      {"contents", stamp.contents},
      {"tag", stamp.extra_tag},
      {"kernel",
       {{"digest", stamp.kernel_layer.digest.ToString()}, {"size", stamp.kernel_layer.size}}},
      {"initrd",
       {{"digest", stamp.initrd_layer.digest.ToString()}, {"size", stamp.initrd_layer.size}}}};
  return store::WriteFileAtomically(work / "stamp.json", j.dump(2) + "\n");
}

Status RuntimeBuilder::Build(const Recipe& recipe, BuildResult* result) {
  if (Status s = PrepareShared(); !s.ok()) return s;
  fs::path work = options_.cache_dir / "images" / recipe.folder;
  std::string key = InputKey(recipe);
  Stamp stamp;
  bool fresh = !options_.force && ReadStamp(work, &stamp) && stamp.key == key;
  if (!fresh) {
    stamp = Stamp{};
    stamp.key = key;
    if (Status s = BuildLayers(recipe, work, &stamp); !s.ok()) return s;
    result->rebuilt = true;
  }
  PackedImage image;
  image.kernel_layer = stamp.kernel_layer;
  image.initrd_layer = stamp.initrd_layer;
  BuildImageDocuments(MakeSpec(recipe, stamp), &image);
  result->tags = recipe.tags;
  if (!stamp.extra_tag.empty() &&
      std::find(result->tags.begin(), result->tags.end(), stamp.extra_tag) == result->tags.end()) {
    result->tags.push_back(stamp.extra_tag);
  }
  result->index_digest = image.index_digest;
  result->size = image.layers_size();
  result->contents = stamp.contents;
  if (!options_.force &&
      IsPublished(*store_, recipe.repository, result->tags, image.index_digest)) {
    Step(recipe, "up to date (" + recipe.repository + " " + image.index_digest.ToString() + ")");
    return Status::Ok();
  }
  if (!fresh) Step(recipe, "storing in the registry");
  if (Status s = PublishImage(*store_, recipe.repository, result->tags, image); !s.ok()) return s;
  result->published = true;
  std::string tags;
  for (const auto& t : result->tags) tags += (tags.empty() ? "" : ", ") + t;
  Step(recipe, "stored " + recipe.repository + " [" + tags + "] " + image.index_digest.ToString());
  return Status::Ok();
}

}  // namespace ukc::runtime
