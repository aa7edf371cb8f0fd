#include "runtime/recipe.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "store/data_dir.h"

namespace ukc::runtime {

namespace fs = std::filesystem;

std::string Recipe::ShortName() const {
  auto slash = repository.rfind('/');
  return slash == std::string::npos ? repository : repository.substr(slash + 1);
}

std::string Recipe::DisplayName() const {
  return tags.empty() ? ShortName() : ShortName() + ":" + tags.front();
}

fs::path FindRuntimesDir() {
  if (const char* env = std::getenv("UKC_RUNTIMES_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "runtimes";
  return (exe.parent_path() / ".." / ".." / "runtimes").lexically_normal();
}

Status LoadRecipe(const fs::path& folder, Recipe* recipe) {
  std::string text;
  if (Status s = store::ReadFile(folder / "recipe.json", &text); !s.ok()) return s;
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::string where = (folder / "recipe.json").string();
  if (!j.is_object()) return Status::InvalidArgument(where + ": not a JSON object");
  try {
    recipe->folder = folder.filename().string();
    recipe->dir = folder;
    recipe->repository = j.at("repository").get<std::string>();
    recipe->tags = j.value("tags", std::vector<std::string>{});
    recipe->description = j.value("description", "");
    recipe->cmd = j.value("cmd", std::vector<std::string>{});
    recipe->env = j.value("env", std::vector<std::string>{});
    recipe->labels = j.value("labels", std::map<std::string, std::string>{});
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(where + ": " + e.what());
  }
  if (recipe->repository.rfind("official/", 0) != 0) {
    return Status::InvalidArgument(where + ": repository must start with official/");
  }
  if (::access((folder / "build-rootfs.sh").c_str(), X_OK) != 0) {
    return Status::InvalidArgument(folder.string() + ": no executable build-rootfs.sh");
  }
  return Status::Ok();
}

Status LoadRecipes(const fs::path& dir, std::vector<Recipe>* recipes) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("no runtimes dir at " + dir.string() + " (set UKC_RUNTIMES_DIR)");
  }
  recipes->clear();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!fs::exists(entry.path() / "recipe.json")) continue;
    Recipe recipe;
    if (Status s = LoadRecipe(entry.path(), &recipe); !s.ok()) return s;
    recipes->push_back(std::move(recipe));
  }
  std::sort(recipes->begin(), recipes->end(),
            [](const Recipe& a, const Recipe& b) { return a.folder < b.folder; });
  return Status::Ok();
}

namespace {

bool Matches(const Recipe& r, const std::string& name) {
  if (name == r.folder || name == r.ShortName() || name == r.repository) return true;
  auto colon = name.find(':');
  if (colon == std::string::npos) return false;
  std::string repo = name.substr(0, colon), tag = name.substr(colon + 1);
  if (repo != r.ShortName() && repo != r.repository) return false;
  return std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end();
}

}  // namespace

Status SelectRecipes(const std::vector<Recipe>& all, const std::vector<std::string>& names,
                     std::vector<Recipe>* selected) {
  selected->clear();
  if (names.empty()) {
    *selected = all;
    return Status::Ok();
  }
  for (const auto& name : names) {
    auto it =
        std::find_if(all.begin(), all.end(), [&](const Recipe& r) { return Matches(r, name); });
    if (it == all.end()) {
      std::string known;
      for (const auto& r : all) known.append(known.empty() ? "" : ", ").append(r.DisplayName());
      return Status::InvalidArgument("unknown runtime '" + name + "' (known: " + known + ")");
    }
    bool dup = std::any_of(selected->begin(), selected->end(),
                           [&](const Recipe& r) { return r.folder == it->folder; });
    if (!dup) selected->push_back(*it);
  }
  return Status::Ok();
}

}  // namespace ukc::runtime
