// Subcommand groups of `ukc-emu` beyond `up`, `env` and `user`. Each Add*Commands registers its
// subcommands on `app`; their callbacks read the shared --data-dir flag through `data_dir` when
// they run, and store the process exit code in `*exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace ukc::cli {

// `ukc-emu runtime build [NAME…]`, `ukc-emu runtime list`.
void AddRuntimeCommands(CLI::App& app, const std::string* data_dir, int* exit_code);
// `ukc-emu vm run …` (boot an image from the registry in the foreground, for debugging/tests).
// `trailing_args` holds what followed `--` on the command line (CLI11 2.1 would still parse
// options there, so main() cuts them off first).
void AddVmCommands(CLI::App& app, const std::string* data_dir, int* exit_code,
                   const std::vector<std::string>* trailing_args);
// `ukc-emu proxy-bench --backend 127.0.0.1:PORT …` (hidden): the service proxy alone, one route.
void AddProxyBenchCommand(CLI::App& app, int* exit_code);

}  // namespace ukc::cli
