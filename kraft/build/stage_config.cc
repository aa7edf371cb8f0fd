// StageExecutor's config instructions (stage_executor.h).
#include <algorithm>

#include "build/fs_copy.h"
#include "build/safe_path.h"
#include "build/shell_lexer.h"
#include "build/stage_executor.h"

namespace kraft::build {
using ukc::Status;

std::optional<std::string> StageExecutor::Lookup(const std::string& name) const {
  if (auto v = config_.GetEnv(name)) return v;
  auto it = args_.find(name);
  return it == args_.end() ? std::nullopt : it->second;
}

Status StageExecutor::Word(const Instruction& in, const std::string& text, std::string* out) const {
  Status s = ExpandWord(
      text, [this](const std::string& k) { return Lookup(k); }, b_->dockerfile->escape, out);
  return s.ok() ? s : Error(in, s.message());
}

Status StageExecutor::Words(const Instruction& in, std::vector<std::string>* out) const {
  if (!in.json) {
    Status s = ExpandWords(
        in.args, [this](const std::string& k) { return Lookup(k); }, b_->dockerfile->escape, out);
    return s.ok() ? s : Error(in, s.message());
  }
  out->clear();
  for (const auto& a : in.json_args) {
    std::string w;
    Status s = Word(in, a, &w);
    if (!s.ok()) return s;
    out->push_back(w);
  }
  return Status::Ok();
}

std::vector<std::string> StageExecutor::RunEnv() const {
  std::vector<std::string> env = config_.env;
  for (const auto& [k, v] : args_) {
    if (v && !config_.GetEnv(k)) env.push_back(k + "=" + *v);
  }
  return env;
}

std::vector<std::string> StageExecutor::ShellOf() const {
  return config_.shell.empty() ? std::vector<std::string>{"/bin/sh", "-c"} : config_.shell;
}

Status StageExecutor::Arg(const Instruction& in) {
  std::vector<std::string> words;
  Status s = Words(in, &words);
  if (!s.ok()) return s;
  for (const auto& w : words) {
    size_t eq = w.find('=');
    std::string name = w.substr(0, eq);
    if (name.empty()) return Error(in, "ARG names must not be empty");
    std::optional<std::string> value;
    if (eq != std::string::npos) {
      value = w.substr(eq + 1);
    } else if (auto g = b_->plan->global_args.find(name); g != b_->plan->global_args.end()) {
      value = g->second;  // a global ARG brought into the stage
    }
    if (auto it = b_->options->build_args.find(name); it != b_->options->build_args.end()) {
      value = it->second;
    }
    args_[name] = value;
  }
  return Status::Ok();
}

// ENV/LABEL: `K=V K2="v 2"`, or the legacy `K some value` (ENV only keeps one pair).
Status StageExecutor::Env(const Instruction& in, bool label) {
  std::vector<std::string> words;
  Status s = Words(in, &words);
  if (!s.ok()) return s;
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!words.empty() && words[0].find('=') == std::string::npos) {
    size_t sp = in.args.find_first_of(" \t");
    if (sp == std::string::npos) return Error(in, in.keyword + " " + words[0] + " needs a value");
    std::string value;
    s = Word(in, in.args.substr(in.args.find_first_not_of(" \t", sp)), &value);
    if (!s.ok()) return s;
    pairs.emplace_back(words[0], value);
  } else {
    for (const auto& w : words) {
      size_t eq = w.find('=');
      if (eq == std::string::npos || eq == 0) return Error(in, in.keyword + " wants K=V, got " + w);
      pairs.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
  }
  for (const auto& [k, v] : pairs) {
    if (label) {
      config_.labels[k] = v;
    } else {
      config_.SetEnv(k, v);
    }
  }
  return Status::Ok();
}

Status StageExecutor::Expose(const Instruction& in) {
  std::vector<std::string> words;
  Status s = Words(in, &words);
  if (!s.ok()) return s;
  for (auto w : words) {
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t slash = w.find('/');
    std::string port = w.substr(0, slash);
    std::string proto = slash == std::string::npos ? "tcp" : w.substr(slash + 1);
    if (port.empty() || port.find_first_not_of("0123456789-") != std::string::npos ||
        (proto != "tcp" && proto != "udp" && proto != "sctp")) {
      return Error(in, "invalid port \"" + w + "\" in EXPOSE");
    }
    config_.exposed_ports.insert(port + "/" + proto);
  }
  return Status::Ok();
}

Status StageExecutor::CmdOrEntrypoint(const Instruction& in) {
  std::vector<std::string> argv;
  if (in.json) {
    argv = in.json_args;
  } else {
    argv = ShellOf();
    argv.push_back(in.args);
  }
  if (in.keyword == "CMD") {
    config_.cmd = argv;
    cmd_set_ = true;
  } else {
    config_.entrypoint = argv;
    if (!cmd_set_) config_.cmd.clear();  // an inherited CMD does not survive a new ENTRYPOINT
  }
  return Status::Ok();
}

Status StageExecutor::Shell(const Instruction& in) {
  if (!in.json || in.json_args.empty()) {
    return Error(in, "SHELL requires the arguments to be in JSON form");
  }
  config_.shell = in.json_args;
  return Status::Ok();
}

Status StageExecutor::User(const Instruction& in) {
  std::string user;
  Status s = Word(in, in.args, &user);
  if (s.ok()) config_.user = user;
  return s;
}

Status StageExecutor::Workdir(const Instruction& in) {
  std::string dir;
  Status s = Word(in, in.args, &dir);
  if (!s.ok()) return s;
  std::string base = config_.working_dir.empty() ? "/" : config_.working_dir;
  dir = CleanInRoot(!dir.empty() && dir[0] == '/' ? dir : base + "/" + dir);
  s = MakeDirs(rootfs_, dir);
  if (!s.ok()) return Error(in, "WORKDIR " + dir + ": " + s.message());
  config_.working_dir = dir;
  return Status::Ok();
}

}  // namespace kraft::build
