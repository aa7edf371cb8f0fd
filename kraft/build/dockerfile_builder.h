// BuildDockerfile: a native Dockerfile builder (no Docker engine, no BuildKit). Each stage's
// filesystem is a plain directory under `work_dir`; the target stage's directory is the result.
//
// Supported: FROM (scratch, an earlier stage by name or index, an image through BaseImageSource),
// COPY/ADD (globs * ? [..] **, --from, --chown, --chmod, ADD extracts local tar/tgz/tbz2/txz),
// RUN (inside bubblewrap over the stage's rootfs, no network; see run_step.h), WORKDIR, ENV, ARG
// (+ build args), LABEL, CMD, ENTRYPOINT, EXPOSE, USER, SHELL, MAINTAINER (a label), multi-stage
// with a target, .dockerignore. Ignored with a warning: HEALTHCHECK, ONBUILD, STOPSIGNAL, VOLUME.
// Only stages the target needs are built, as BuildKit does.
//
// Safety: COPY sources must stay inside the context (or the --from stage); destinations, archive
// entries and symlinks are resolved inside the stage's rootfs (safe_path.h), so nothing a
// Dockerfile, a context or an archive says can write outside `work_dir`.
//
// Cache: a key over the Dockerfile text, build args, target, the base images' digests and every
// non-ignored context file (path, type, mode, size, bytes, link target). The context's
// `.unikraft/` (kraft's outputs) and `work_dir`, when inside the context, are never part of it.
// When
// `<work_dir>/rootfs.key` holds the same key, `<work_dir>/rootfs` is reused (cached = true).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "base/status.h"
#include "build/command_runner.h"
#include "build/image_config.h"

namespace kraft::build {

// Images named by FROM / COPY --from that are not stages. The packaging engineer implements it
// against the registry; unit tests use a fake.
class BaseImageSource {
 public:
  virtual ~BaseImageSource() = default;
  // Unpacks `reference`'s filesystem (layers applied in order) into the existing empty directory
  // `rootfs_dir` and fills `*config` from the image config. NotFound for unknown images.
  virtual ukc::Status Extract(const std::string& reference, const std::filesystem::path& rootfs_dir,
                              ImageConfig* config) = 0;
  // The content digest `reference` currently resolves to, for the build cache. The default
  // (Unavailable) disables the cache for builds that use images.
  virtual ukc::Status Digest(const std::string& reference, std::string* digest) {
    return ukc::Status::Unavailable("no digest");
  }
};

struct DockerfileBuildOptions {
  std::filesystem::path context_dir;              // the build context
  std::filesystem::path dockerfile;               // relative to context_dir unless absolute
  std::map<std::string, std::string> build_args;  // --build-arg K=V
  std::string target;                             // --target stage name; "" = the last stage
  std::filesystem::path work_dir;     // stage dirs, `rootfs`, `rootfs.key`, `config.json` live here
  BaseImageSource* images = nullptr;  // needed only when FROM/--from name an image
  CommandRunner* runner = nullptr;    // for RUN; nullptr = a ProcessRunner
  bool no_cache = false;              // ignore (and replace) a cached result
  // Called before each executed step: n of total, "RUN echo hi" (instruction text).
  std::function<void(int n, int total, const std::string& text)> progress;
  // Warnings (ignored instructions, …) and RUN output lines.
  std::function<void(const std::string& line)> log;
};

struct BuildResult {
  std::filesystem::path rootfs_dir;  // `<work_dir>/rootfs`
  ImageConfig config;
  bool cached = false;
};

// Errors name the Dockerfile line: `Dockerfile:5: RUN needs /bin/sh in the stage's rootfs …`.
ukc::Status BuildDockerfile(const DockerfileBuildOptions& options, BuildResult* out);

}  // namespace kraft::build
