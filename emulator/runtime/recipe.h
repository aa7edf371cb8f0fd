// Runtime recipes: one folder per runtime under the runtimes dir (runtimes/<folder>/), holding
// build-rootfs.sh (OUT_DIR CACHE_DIR; key=value lines on stdout: contents=, tag=) and
// recipe.json: {"repository": "official/<name>", "tags": [...], "description": "...",
//               "cmd": [...], "env": [...], "labels": {...}}.
// Users name a runtime by folder ("python3.12"), short name ("python") or short name and one of
// its recipe tags ("python:3.12").
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace ukc::runtime {

struct Recipe {
  std::string folder;  // "python3.12"
  std::filesystem::path dir;
  std::string repository;         // "official/python"
  std::vector<std::string> tags;  // static tags; the script may add one (tag=)
  std::string description;
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;

  std::string ShortName() const;    // "python"
  std::string DisplayName() const;  // "python:3.12" (short name and first tag)
};

// The recipes dir: $UKC_RUNTIMES_DIR, else <exe dir>/../../runtimes (build/bin/ukc-emu).
std::filesystem::path FindRuntimesDir();

// Every <dir>/*/recipe.json, sorted by folder.
Status LoadRecipes(const std::filesystem::path& dir, std::vector<Recipe>* recipes);
Status LoadRecipe(const std::filesystem::path& folder, Recipe* recipe);

// Picks the recipes `names` refer to (all when empty), in the order given, without duplicates.
// InvalidArgument naming the known runtimes when a name matches none.
Status SelectRecipes(const std::vector<Recipe>& all, const std::vector<std::string>& names,
                     std::vector<Recipe>* selected);

}  // namespace ukc::runtime
