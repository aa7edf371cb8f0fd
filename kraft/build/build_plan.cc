#include "build/build_plan.h"

#include <algorithm>
#include <functional>

#include "build/shell_lexer.h"

namespace kraft::build {
using ukc::Status;

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Status Err(const std::string& file, const Instruction& in, const std::string& m) {
  return Status::InvalidArgument(file + ":" + std::to_string(in.line) + ": " + m);
}

Status GlobalArg(const Instruction& in, const std::string& file, char escape,
                 const std::map<std::string, std::string>& build_args, BuildPlan* plan) {
  EnvLookup lookup = [plan](const std::string& k) -> std::optional<std::string> {
    auto it = plan->global_args.find(k);
    return it == plan->global_args.end() ? std::nullopt : it->second;
  };
  std::vector<std::string> words;
  Status s = ExpandWords(in.args, lookup, escape, &words);
  if (!s.ok()) return Err(file, in, s.message());
  for (const auto& w : words) {
    size_t eq = w.find('=');
    std::string name = w.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos) value = w.substr(eq + 1);
    if (auto it = build_args.find(name); it != build_args.end()) value = it->second;
    plan->global_args[name] = value;
  }
  return Status::Ok();
}

Status StartStage(const Instruction& in, const std::string& file, char escape, BuildPlan* plan,
                  size_t index) {
  EnvLookup lookup = [plan](const std::string& k) -> std::optional<std::string> {
    auto it = plan->global_args.find(k);
    return it == plan->global_args.end() ? std::nullopt : it->second;
  };
  std::vector<std::string> words;
  Status s = ExpandWords(in.args, lookup, escape, &words);
  if (!s.ok()) return Err(file, in, s.message());
  if (!(words.size() == 1 || (words.size() == 3 && Lower(words[1]) == "as"))) {
    return Err(file, in, "FROM requires either one or three arguments (FROM image [AS name])");
  }
  StagePlan st;
  st.index = static_cast<int>(plan->stages.size());
  st.base = words[0];
  st.first = index;
  if (words.size() == 3) st.name = Lower(words[2]);
  if (!st.name.empty() && FindStage(plan->stages, st.index, st.name, false) >= 0) {
    return Err(file, in, "duplicate stage name \"" + st.name + "\"");
  }
  st.base_stage = FindStage(plan->stages, st.index, st.base, /*allow_index=*/false);
  if (st.base_stage >= 0) {
    st.deps.push_back(st.base_stage);
  } else if (Lower(st.base) != "scratch") {
    st.images.push_back(st.base);
  }
  plan->stages.push_back(st);
  return Status::Ok();
}

void AddCopyFrom(const Instruction& in, StagePlan* st, const std::vector<StagePlan>& stages) {
  if (in.keyword != "COPY" && in.keyword != "ADD") return;
  bool present = false;
  std::string from = FlagValue(in.flags, "from", &present);
  if (!present) return;
  int dep = FindStage(stages, st->index, from, /*allow_index=*/true);
  if (dep >= 0) {
    st->deps.push_back(dep);
  } else {
    st->images.push_back(from);
  }
}

}  // namespace

int FindStage(const std::vector<StagePlan>& stages, int before, const std::string& ref,
              bool allow_index) {
  std::string lower = Lower(ref);
  for (int i = 0; i < before && i < static_cast<int>(stages.size()); ++i) {
    if (!stages[i].name.empty() && stages[i].name == lower) return i;
  }
  if (allow_index && !ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) {
    int i = std::stoi(ref);
    if (i < before && i < static_cast<int>(stages.size())) return i;
  }
  return -1;
}

Status PlanBuild(const Dockerfile& df, const std::string& file,
                 const std::map<std::string, std::string>& build_args, const std::string& target,
                 BuildPlan* plan) {
  for (size_t i = 0; i < df.instructions.size(); ++i) {
    const Instruction& in = df.instructions[i];
    Status s;
    if (in.keyword == "FROM") {
      if (!plan->stages.empty()) plan->stages.back().end = i;
      s = StartStage(in, file, df.escape, plan, i);
    } else if (plan->stages.empty()) {
      s = GlobalArg(in, file, df.escape, build_args, plan);
    } else {
      AddCopyFrom(in, &plan->stages.back(), plan->stages);
    }
    if (!s.ok()) return s;
  }
  plan->stages.back().end = df.instructions.size();
  plan->target = static_cast<int>(plan->stages.size()) - 1;
  if (!target.empty()) {
    plan->target = FindStage(plan->stages, static_cast<int>(plan->stages.size()), target, false);
    if (plan->target < 0) {
      return Status::NotFound("target stage \"" + target + "\" could not be found in " + file);
    }
  }
  std::function<void(int)> mark = [&](int i) {
    if (plan->stages[i].needed) return;
    plan->stages[i].needed = true;
    for (int d : plan->stages[i].deps) mark(d);
  };
  mark(plan->target);
  return Status::Ok();
}

}  // namespace kraft::build
