#include "build/stage_executor.h"

#include <algorithm>

#include "build/fs_copy.h"
#include "build/run_step.h"
#include "build/shell_lexer.h"
#include "build/user_lookup.h"

namespace kraft::build {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The last lines of a command's output, for error messages.
std::string Tail(const std::string& output, int lines) {
  size_t pos = output.size();
  while (pos > 0 && output[pos - 1] == '\n') --pos;
  size_t end = pos;
  for (int n = 0; n < lines && pos > 0; ++n) {
    pos = output.rfind('\n', pos - 1);
    if (pos == std::string::npos) {
      pos = 0;
      break;
    }
  }
  std::string tail = output.substr(pos, end - pos);
  return tail.empty() || tail[0] == '\n' ? tail : "\n" + tail;
}

std::string SafeName(const std::string& ref) {
  std::string out = ref;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return out;
}

}  // namespace

Status StageExecutor::Error(const Instruction& in, const std::string& message) const {
  return Status::InvalidArgument(b_->file + ":" + std::to_string(in.line) + ": " + message);
}

Status StageExecutor::Run() {
  const StagePlan& plan = b_->plan->stages[stage_];
  Status s = From();
  for (size_t i = plan.first + 1; s.ok() && i < plan.end; ++i) {
    const Instruction& in = b_->dockerfile->instructions[i];
    ++b_->step;
    if (b_->options->progress) b_->options->progress(b_->step, b_->total, in.text);
    s = Dispatch(in);
  }
  if (!s.ok()) return s;
  b_->roots[stage_] = rootfs_;
  b_->configs[stage_] = config_;
  return Status::Ok();
}

Status StageExecutor::From() {
  const StagePlan& plan = b_->plan->stages[stage_];
  const Instruction& in = b_->dockerfile->instructions[plan.first];
  ++b_->step;
  if (b_->options->progress) b_->options->progress(b_->step, b_->total, in.text);
  rootfs_ = b_->stages_dir / std::to_string(stage_);
  Status s;
  if (plan.base_stage >= 0) {
    s = CloneTree(b_->roots[plan.base_stage], rootfs_);
    config_ = b_->configs[plan.base_stage];
  } else {
    std::error_code ec;
    fs::create_directories(rootfs_, ec);
    if (ec) return Error(in, "cannot create " + rootfs_.string() + ": " + ec.message());
    if (plan.base != "scratch" && plan.base != "SCRATCH") {
      if (b_->options->images == nullptr) {
        return Error(in, "FROM " + plan.base + ": no image source to pull base images from");
      }
      s = b_->options->images->Extract(plan.base, rootfs_, &config_);
    }
  }
  if (!s.ok()) return Error(in, "FROM " + plan.base + ": " + s.message());
  if (!config_.GetEnv("PATH")) config_.SetEnv("PATH", kDefaultPath);  // as BuildKit does
  return Status::Ok();
}

Status StageExecutor::Dispatch(const Instruction& in) {
  const std::string& k = in.keyword;
  if (k == "RUN") return Run(in);
  if (k == "COPY" || k == "ADD") return Copy(in);
  if (k == "ARG") return Arg(in);
  if (k == "ENV") return Env(in, /*label=*/false);
  if (k == "LABEL") return Env(in, /*label=*/true);
  if (k == "MAINTAINER") {
    std::string who;
    Status s = Word(in, in.args, &who);
    if (s.ok()) config_.labels["maintainer"] = who;
    return s;
  }
  if (k == "EXPOSE") return Expose(in);
  if (k == "CMD" || k == "ENTRYPOINT") return CmdOrEntrypoint(in);
  if (k == "SHELL") return Shell(in);
  if (k == "USER") return User(in);
  if (k == "WORKDIR") return Workdir(in);
  if (b_->options->log) {
    b_->options->log(b_->file + ":" + std::to_string(in.line) + ": " + k +
                     " is ignored (not used by Unikraft Cloud images)");
  }
  return Status::Ok();
}

Status StageExecutor::Run(const Instruction& in) {
  for (const auto& f : in.flags) {
    if (f != "--network=none" && f != "--network=default") {
      return Error(in, "RUN " + f + " is not supported");
    }
  }
  RunSpec spec;
  spec.rootfs = fs::absolute(rootfs_);
  bool shell_form = !in.json;
  if (in.json) {
    spec.argv = in.json_args;
  } else {
    spec.argv = ShellOf();
    spec.argv.push_back(in.args);
  }
  spec.env = RunEnv();
  spec.workdir = config_.working_dir.empty() ? "/" : config_.working_dir;
  if (!config_.user.empty() && config_.user != "root" && config_.user != "0") {
    uid_t uid;
    gid_t gid;
    Status s = LookupUser(rootfs_, config_.user, &uid, &gid);
    if (!s.ok()) return Error(in, "USER " + config_.user + ": " + s.message());
    spec.user = std::make_pair(uid, gid);
  }
  std::string output;
  Status s = RunInSandbox(spec, shell_form, b_->runner, &output);
  if (b_->options->log && !output.empty()) b_->options->log(output);
  if (s.ok()) return s;
  std::string what = in.json ? "RUN" : "RUN " + in.args;
  if (s.kind() == Status::Kind::kNotFound || s.kind() == Status::Kind::kUnavailable) {
    return Error(in, s.message());
  }
  return Error(in, what + ": " + s.message() + Tail(output, 10));
}

Status StageExecutor::CopySource(const Instruction& in, SourceTree* from) {
  bool present = false;
  std::string ref = FlagValue(in.flags, "from", &present);
  if (!present) {
    *from = b_->context;
    return Status::Ok();
  }
  int dep = FindStage(b_->plan->stages, stage_, ref, /*allow_index=*/true);
  if (dep >= 0) {
    *from = SourceTree{b_->roots[dep], nullptr, false};
    return Status::Ok();
  }
  auto it = b_->image_roots.find(ref);
  if (it == b_->image_roots.end()) {
    if (b_->options->images == nullptr) return Error(in, "--from=" + ref + ": no such stage");
    fs::path dir = b_->stages_dir / ("image-" + SafeName(ref));
    std::error_code ec;
    fs::create_directories(dir, ec);
    ImageConfig unused;
    Status s = b_->options->images->Extract(ref, dir, &unused);
    if (!s.ok()) return Error(in, "--from=" + ref + ": " + s.message());
    it = b_->image_roots.emplace(ref, dir).first;
  }
  *from = SourceTree{it->second, nullptr, false};
  return Status::Ok();
}

Status StageExecutor::Copy(const Instruction& in) {
  CopyRequest req;
  req.add = in.keyword == "ADD";
  for (const auto& f : in.flags) {
    std::string name =
        f.substr(2, f.find('=') == std::string::npos ? std::string::npos : f.find('=') - 2);
    if (name != "from" && name != "chown" && name != "chmod" && name != "link") {
      return Error(in, in.keyword + " " + f + " is not supported");
    }
  }
  std::vector<std::string> words;
  Status s = Words(in, &words);
  if (!s.ok()) return s;
  if (words.size() < 2) return Error(in, in.keyword + " requires at least two arguments");
  req.dest = words.back();
  req.sources.assign(words.begin(), words.end() - 1);
  req.workdir = config_.working_dir.empty() ? "/" : config_.working_dir;
  bool present = false;
  std::string chmod = FlagValue(in.flags, "chmod", &present);
  if (present) {
    if (chmod.empty() || chmod.size() > 4 ||
        chmod.find_first_not_of("01234567") != std::string::npos) {
      return Error(in, "invalid --chmod=" + chmod + " (want octal, e.g. 755)");
    }
    req.attrs.chmod = static_cast<mode_t>(std::stoul(chmod, nullptr, 8));
  }
  std::string chown = FlagValue(in.flags, "chown", &present);
  if (present) {
    s = Word(in, chown, &chown);
    if (s.ok()) s = LookupUser(rootfs_, chown, &req.attrs.uid, &req.attrs.gid);
    if (!s.ok()) return Error(in, "--chown=" + chown + ": " + s.message());
  }
  SourceTree from;
  s = CopySource(in, &from);
  if (!s.ok()) return s;
  s = RunCopy(req, from, rootfs_);
  if (!s.ok()) return Error(in, in.keyword + " " + s.message());
  return Status::Ok();
}

}  // namespace kraft::build
