// Runs one planned stage: FROM sets up its rootfs directory and config, then each instruction is
// applied in order. Config instructions (ARG ENV LABEL MAINTAINER EXPOSE CMD ENTRYPOINT SHELL
// USER WORKDIR) live in stage_config.cc, filesystem ones (FROM RUN COPY ADD) in stage_executor.cc.
// Every error is prefixed with "<Dockerfile>:<line>: ".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "build/build_plan.h"
#include "build/copy_step.h"
#include "build/dockerfile_builder.h"
#include "build/dockerfile_parser.h"

namespace kraft::build {

// State shared by the stages of one build.
struct BuildState {
  const Dockerfile* dockerfile = nullptr;
  std::string file;  // display name for errors
  const DockerfileBuildOptions* options = nullptr;
  const BuildPlan* plan = nullptr;
  SourceTree context;
  CommandRunner* runner = nullptr;
  std::filesystem::path stages_dir;                          // <work_dir>/stages
  std::vector<std::filesystem::path> roots;                  // per stage, once built
  std::vector<ImageConfig> configs;                          // per stage, once built
  std::map<std::string, std::filesystem::path> image_roots;  // COPY --from=<image>
  int step = 0;
  int total = 0;
};

class StageExecutor {
 public:
  StageExecutor(BuildState* state, int stage) : b_(state), stage_(stage) {}
  ukc::Status Run();

 private:
  ukc::Status From();
  ukc::Status Dispatch(const Instruction& in);
  ukc::Status Run(const Instruction& in);
  ukc::Status Copy(const Instruction& in);
  ukc::Status CopySource(const Instruction& in, SourceTree* from);
  // stage_config.cc
  ukc::Status Arg(const Instruction& in);
  ukc::Status Env(const Instruction& in, bool label);
  ukc::Status Expose(const Instruction& in);
  ukc::Status CmdOrEntrypoint(const Instruction& in);
  ukc::Status Shell(const Instruction& in);
  ukc::Status User(const Instruction& in);
  ukc::Status Workdir(const Instruction& in);

  ukc::Status Error(const Instruction& in, const std::string& message) const;
  std::optional<std::string> Lookup(const std::string& name) const;  // ENV, then ARG
  ukc::Status Word(const Instruction& in, const std::string& text, std::string* out) const;
  ukc::Status Words(const Instruction& in, std::vector<std::string>* out) const;
  std::vector<std::string> RunEnv() const;
  std::vector<std::string> ShellOf() const;

  BuildState* b_;
  int stage_;
  std::filesystem::path rootfs_;
  ImageConfig config_;
  std::map<std::string, std::optional<std::string>> args_;
  bool cmd_set_ = false;
};

}  // namespace kraft::build
