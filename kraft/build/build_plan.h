// Planning a Dockerfile build: the global ARGs (before the first FROM), the stages with their
// base (scratch, an earlier stage, or an image) and the stages the target needs (FROM and
// COPY --from edges), as BuildKit only builds those.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "build/dockerfile_parser.h"

namespace kraft::build {

struct StagePlan {
  int index = 0;
  std::string name;       // `AS name`, lower case, "" when unnamed
  std::string base;       // the FROM reference, expanded ("scratch", "debian:12", a stage)
  int base_stage = -1;    // the earlier stage FROM names, else -1
  size_t first = 0;       // index of the FROM instruction
  size_t end = 0;         // one past the stage's last instruction
  std::vector<int> deps;  // stages it reads (base and COPY --from)
  std::vector<std::string> images;  // images it reads (base and COPY --from), not stages
  bool needed = false;              // the target depends on it
};

struct BuildPlan {
  std::map<std::string, std::optional<std::string>> global_args;  // after build-arg overrides
  std::vector<StagePlan> stages;
  int target = 0;
};

// `file` prefixes errors ("Dockerfile:4: …").
ukc::Status PlanBuild(const Dockerfile& dockerfile, const std::string& file,
                      const std::map<std::string, std::string>& build_args,
                      const std::string& target, BuildPlan* plan);

// The stage a `--from` value or FROM names among stages [0, before): by name (case-insensitive)
// or, when `allow_index`, by number. -1 when none.
int FindStage(const std::vector<StagePlan>& stages, int before, const std::string& ref,
              bool allow_index);

}  // namespace kraft::build
