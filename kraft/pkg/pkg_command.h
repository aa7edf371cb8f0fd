// `kraft pkg` (package a project as an OCI image, optionally push it), `kraft pkg ls` (the local
// package store) and `kraft pkg push NAME` (kraft-cli.md §10.4), and `kraft build` (the rootfs
// only, §10.1). All of them read runtimes from, and push to, `--registry` / $UKC_REGISTRY
// (default index.unikraft.io) with the token's Basic credentials (`--token` / $UKC_TOKEN …).
#pragma once

#include <CLI/CLI.hpp>

namespace kraft {

void AddPkgCommand(CLI::App& app, int* exit_code);
void AddBuildCommand(CLI::App& app, int* exit_code);

}  // namespace kraft
