// `ukc-emu runtime build [NAME…] [--force]` and `ukc-emu runtime list`: pack the runtime recipes
// (runtimes/*/recipe.json) as images in the registry under official/, and list what is there.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "registry/registry_store.h"
#include "runtime/image_publisher.h"
#include "runtime/recipe.h"
#include "runtime/runtime_builder.h"
#include "store/data_dir.h"
#include "store/database.h"

namespace ukc::cli {
namespace {

// The registry of the data dir named by --data-dir (empty: the default), opened for a tool.
struct OpenRegistry {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<registry::RegistryStore> store;
};

Status Open(const std::string& data_dir_flag, OpenRegistry* out) {
  store::DataDir data_dir(data_dir_flag.empty() ? store::DataDir::DefaultRoot()
                                                : std::filesystem::path(data_dir_flag));
  if (Status s = data_dir.Create(); !s.ok()) return s;
  if (Status s = store::Database::Open(data_dir.database().string(), &out->db); !s.ok()) return s;
  out->store = std::make_unique<registry::RegistryStore>(data_dir, out->db.get());
  return out->store->Open();
}

int Fail(const Status& s) {
  std::cerr << "ukc-emu: " << s.message() << "\n";
  return 1;
}

int RunBuild(const std::string& data_dir, const std::vector<std::string>& names, bool force) {
  runtime::BuildOptions options;
  options.runtimes_dir = runtime::FindRuntimesDir();
  options.cache_dir = runtime::DefaultCacheDir();
  options.force = force;
  std::vector<runtime::Recipe> all, selected;
  if (Status s = runtime::LoadRecipes(options.runtimes_dir, &all); !s.ok()) return Fail(s);
  if (Status s = runtime::SelectRecipes(all, names, &selected); !s.ok()) return Fail(s);
  OpenRegistry registry;
  if (Status s = Open(data_dir, &registry); !s.ok()) return Fail(s);
  runtime::ProcessRunner runner;
  runtime::RuntimeBuilder builder(options, &runner, registry.store.get(), &std::cerr);
  int failed = 0;
  for (const auto& recipe : selected) {
    runtime::BuildResult result;
    if (Status s = builder.Build(recipe, &result); !s.ok()) {
      std::cerr << "ukc-emu: runtime " << recipe.DisplayName() << ": " << s.message() << "\n";
      failed++;
    }
  }
  return failed ? 1 : 0;
}

std::string HumanSize(uint64_t bytes) {
  char text[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  }
  return text;
}

int RunList(const std::string& data_dir) {
  OpenRegistry registry;
  if (Status s = Open(data_dir, &registry); !s.ok()) return Fail(s);
  std::vector<runtime::PublishedRuntime> runtimes;
  if (Status s = runtime::ListPublished(*registry.store, &runtimes); !s.ok()) return Fail(s);
  std::printf("%-16s %-8s %-19s %-10s %s\n", "NAME", "TAG", "DIGEST", "SIZE", "CONTENTS");
  for (const auto& r : runtimes) {
    std::string name = r.repository.substr(r.repository.find('/') + 1);
    std::string digest = r.index_digest.ToString().substr(0, 19);
    std::printf("%-16s %-8s %-19s %-10s %s\n", name.c_str(), r.tag.c_str(), digest.c_str(),
                HumanSize(r.size).c_str(), r.contents.c_str());
  }
  return 0;
}

}  // namespace

void AddRuntimeCommands(CLI::App& app, const std::string* data_dir, int* exit_code) {
  auto* runtime = app.add_subcommand("runtime", "runtime images under official/ in the registry");
  runtime->require_subcommand(1);

  // --data-dir is accepted after the subcommand as well (as `user add … --data-dir`).
  auto local_dir = std::make_shared<std::string>();
  auto dir = [=] { return local_dir->empty() ? *data_dir : *local_dir; };
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto* build = runtime->add_subcommand(
      "build", "pack runtime recipes (default: all) as official/<name>:<tag> images");
  build->add_option("names", *names, "runtimes, e.g. python:3.12, python, nginx, node, base");
  build->add_flag("--force", *force, "rebuild even when the inputs did not change");
  build->add_option("--data-dir", *local_dir, "data directory");
  build->callback([=] { *exit_code = RunBuild(dir(), *names, *force); });

  auto* list = runtime->add_subcommand("list", "list the runtime images in the registry");
  list->add_option("--data-dir", *local_dir, "data directory");
  list->callback([=] { *exit_code = RunList(dir()); });
}

}  // namespace ukc::cli
