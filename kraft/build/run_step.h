// RUN: the command runs inside bubblewrap with the stage's rootfs as '/':
//   bwrap --bind <rootfs> / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --die-with-parent
//         --clearenv --setenv K V … [--unshare-user --uid U --gid G] --chdir <workdir> -- argv…
// --unshare-all includes the network: RUN has none (builds are offline). USER maps to --uid/--gid
// in a user namespace (files it creates are owned by the builder's user on the host, i.e. root
// when the builder runs as root). Mount points bwrap had to create (/proc, /dev, /tmp) are removed
// again when they were not there before. Works as root with no extra flags (checked on Debian 12).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "build/command_runner.h"

namespace kraft::build {

struct RunSpec {
  std::filesystem::path rootfs;   // absolute host path
  std::vector<std::string> argv;  // the command (a shell form already wrapped in the shell)
  std::vector<std::string> env;   // "K=V"
  std::string workdir = "/";
  std::optional<std::pair<uid_t, gid_t>> user;  // USER, when not root
};

std::vector<std::string> BwrapArgv(const RunSpec& spec);

// Checks that argv[0] exists in the rootfs (looked up in the env's PATH when not absolute).
// `shell_form` selects the message: "RUN needs /bin/sh in the stage's rootfs …".
ukc::Status CheckRunnable(const RunSpec& spec, bool shell_form);

// CheckRunnable, then runs BwrapArgv through `runner`; `*output` gets the command's output.
// When `runner` is a ProcessRunner, a host without bwrap is an Unavailable error.
ukc::Status RunInSandbox(const RunSpec& spec, bool shell_form, CommandRunner* runner,
                         std::string* output);

}  // namespace kraft::build
