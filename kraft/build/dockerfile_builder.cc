// BuildDockerfile (dockerfile_builder.h): parse, plan, cache check, run the needed stages, move
// the target stage's rootfs to <work_dir>/rootfs.
#include "build/dockerfile_builder.h"

#include <fstream>
#include <sstream>

#include "build/build_cache.h"
#include "build/build_plan.h"
#include "build/dockerfile_parser.h"
#include "build/stage_executor.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

Status ReadText(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

// The cache key, or "" when the build cannot be cached (an image without a digest).
Status CacheKey(const DockerfileBuildOptions& o, const std::string& text, const BuildPlan& plan,
                const Dockerignore& ignore, std::string* key) {
  CacheInputs in;
  in.dockerfile_text = text;
  in.build_args = o.build_args;
  in.target = o.target;
  in.context_dir = o.context_dir;
  in.ignore = &ignore;
  for (const auto& st : plan.stages) {
    if (!st.needed) continue;
    for (const auto& image : st.images) {
      std::string digest;
      if (o.images == nullptr || !o.images->Digest(image, &digest).ok()) {
        key->clear();
        return Status::Ok();
      }
      in.image_digests.push_back(image + "=" + digest);
    }
  }
  return ComputeCacheKey(in, key);
}

Status RunStages(BuildState* b, const BuildPlan& plan) {
  for (const auto& st : plan.stages) {
    if (st.needed) b->total += static_cast<int>(st.end - st.first);
  }
  for (const auto& st : plan.stages) {
    if (!st.needed) continue;
    Status s = StageExecutor(b, st.index).Run();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status BuildDockerfile(const DockerfileBuildOptions& o, BuildResult* out) {
  fs::path dockerfile = o.dockerfile.empty() ? fs::path("Dockerfile") : o.dockerfile;
  if (dockerfile.is_relative()) dockerfile = o.context_dir / dockerfile;
  std::string text;
  Status s = ReadText(dockerfile, &text);
  if (!s.ok()) return s;
  std::string file = dockerfile.filename().string();
  Dockerfile df;
  s = ParseDockerfile(text, file, &df);
  if (!s.ok()) return s;
  BuildPlan plan;
  s = PlanBuild(df, file, o.build_args, o.target, &plan);
  if (!s.ok()) return s;
  Dockerignore ignore;
  s = Dockerignore::Load(o.context_dir, &ignore);
  if (!s.ok()) return s;
  std::error_code ec;
  std::string work_rel = fs::absolute(o.work_dir, ec)
                             .lexically_normal()
                             .lexically_relative(fs::absolute(o.context_dir, ec).lexically_normal())
                             .string();
  if (!work_rel.empty() && work_rel != "." && work_rel.rfind("..", 0) != 0) {
    ignore.ExcludeAlways(work_rel);  // never read our own output as input
  }
  ignore.ExcludeAlways(".unikraft");  // kraft's build outputs (change with every build)

  std::string key;
  s = CacheKey(o, text, plan, ignore, &key);
  if (!s.ok()) return s;
  out->rootfs_dir = o.work_dir / "rootfs";
  if (!key.empty() && !o.no_cache && LoadCachedBuild(o.work_dir, key, &out->config)) {
    out->cached = true;
    return Status::Ok();
  }
  out->cached = false;

  fs::create_directories(o.work_dir, ec);
  InvalidateCachedBuild(o.work_dir);
  BuildState b;
  b.dockerfile = &df;
  b.file = file;
  b.options = &o;
  b.plan = &plan;
  b.context = SourceTree{o.context_dir, &ignore, true};
  ProcessRunner process_runner;
  b.runner = o.runner ? o.runner : &process_runner;
  b.stages_dir = o.work_dir / "stages";
  fs::remove_all(b.stages_dir, ec);
  fs::create_directories(b.stages_dir, ec);
  if (ec) return Status::IoError("cannot create " + b.stages_dir.string() + ": " + ec.message());
  b.roots.resize(plan.stages.size());
  b.configs.resize(plan.stages.size());
  s = RunStages(&b, plan);
  if (s.ok()) {
    fs::remove_all(out->rootfs_dir, ec);
    fs::rename(b.roots[plan.target], out->rootfs_dir, ec);
    if (ec) s = Status::IoError("cannot move the rootfs into place: " + ec.message());
  }
  fs::remove_all(b.stages_dir, ec);
  if (!s.ok()) return s;
  out->config = b.configs[plan.target];
  if (key.empty()) return Status::Ok();
  return StoreCachedBuild(o.work_dir, key, out->config);
}

}  // namespace kraft::build
