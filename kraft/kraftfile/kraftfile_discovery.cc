// FindKraftfile and LoadKraftfile (kraftfile.h): kraftkit's file names and parent-directory walk.
#include <fstream>
#include <sstream>
#include <system_error>

#include "kraftfile/kraftfile.h"

namespace kraft {
namespace fs = std::filesystem;

namespace {

// kraftkit's order (kraft-cli.md §8.1).
constexpr const char* kNames[] = {"kraft.yaml", "kraft.yml", "Kraftfile.yml", "Kraftfile.yaml",
                                  "Kraftfile"};

ukc::Status FindInDirectory(const fs::path& dir, fs::path* out) {
  std::vector<fs::path> found;
  for (const char* name : kNames) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) found.push_back(dir / name);
  }
  if (found.size() > 1) {
    std::string list;
    for (const auto& p : found) list += (list.empty() ? "" : ", ") + p.string();
    return ukc::Status::InvalidArgument("found multiple config files with supported names: " +
                                        list);
  }
  if (found.empty()) return ukc::Status::NotFound("");
  *out = found[0];
  return ukc::Status::Ok();
}

}  // namespace

ukc::Status FindKraftfile(const fs::path& workdir, const std::string& explicit_path,
                          fs::path* out) {
  std::error_code ec;
  fs::path base = fs::absolute(workdir, ec);
  if (ec) return ukc::Status::IoError(workdir.string() + ": " + ec.message());
  if (!explicit_path.empty()) {
    fs::path p =
        fs::path(explicit_path).is_absolute() ? fs::path(explicit_path) : base / explicit_path;
    if (!fs::is_regular_file(p, ec)) {
      return ukc::Status::NotFound("Kraftfile " + explicit_path + " does not exist");
    }
    *out = p.lexically_normal();
    return ukc::Status::Ok();
  }
  fs::path dir = base.lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // a trailing '/'
  while (true) {
    ukc::Status s = FindInDirectory(dir, out);
    if (s.ok() || s.kind() != ukc::Status::Kind::kNotFound) return s;
    if (dir == dir.root_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return ukc::Status::NotFound("no Kraftfile in " + base.string() + " or its parents");
}

ukc::Status LoadKraftfile(const fs::path& workdir, const std::string& explicit_path,
                          Kraftfile* out) {
  fs::path path;
  ukc::Status s = FindKraftfile(workdir, explicit_path, &path);
  if (!s.ok()) return s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ukc::Status::IoError("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();

  std::error_code ec;
  fs::path base = fs::absolute(workdir, ec).lexically_normal();
  std::string display = path.lexically_relative(base).string();
  if (display.empty() || display.rfind("..", 0) == 0) display = path.string();

  Kraftfile parsed;
  parsed.path = path;
  parsed.workdir = path.parent_path();
  s = ParseKraftfile(text.str(), display, parsed.workdir.filename().string(), &parsed);
  if (!s.ok()) return s;
  *out = std::move(parsed);
  return ukc::Status::Ok();
}

}  // namespace kraft
