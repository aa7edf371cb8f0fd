// Shared helpers for the Dockerfile builder tests: temp dirs, files, tarballs, a fake command
// runner, a fake image source and a fixture that runs BuildDockerfile.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "build/dockerfile_builder.h"

namespace dockerfile_test {

namespace fs = std::filesystem;
using namespace kraft::build;

struct TempDir {
  fs::path root;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "dockerfile-test-XXXXXX").string();
    root = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(root); }
};

inline void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

inline std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline mode_t Mode(const fs::path& p) {
  struct stat st;
  REQUIRE(lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

class FakeRunner : public CommandRunner {
 public:
  ukc::Status Run(const std::vector<std::string>& argv, std::string* output) override {
    calls.push_back(argv);
    *output = "fake output\n";
    return ukc::Status::Ok();
  }
  std::vector<std::vector<std::string>> calls;
};

class FakeImages : public BaseImageSource {
 public:
  ukc::Status Extract(const std::string& ref, const fs::path& dir, ImageConfig* config) override {
    if (ref != "base:1") return ukc::Status::NotFound("unknown image " + ref);
    Write(dir / "etc/os-release", "ID=fake\n");
    Write(dir / "usr/bin/tool", "tool");
    config->env = {"PATH=/usr/bin", "FROM_IMAGE=1"};
    config->cmd = {"/usr/bin/tool"};
    ++extracts;
    return ukc::Status::Ok();
  }
  int extracts = 0;
};

// A context dir, a work dir, a Dockerfile; Build() runs the builder with a fake runner.
struct Fixture {
  TempDir tmp;
  fs::path context = tmp.root / "ctx";
  fs::path work = tmp.root / "work";
  FakeRunner runner;
  FakeImages images;
  DockerfileBuildOptions options;
  BuildResult result;
  std::vector<std::string> steps;
  std::vector<std::string> logs;
  Fixture() {
    fs::create_directories(context);
    options.context_dir = context;
    options.work_dir = work;
    options.runner = &runner;
    options.images = &images;
    options.progress = [this](int n, int total, const std::string& text) {
      steps.push_back(std::to_string(n) + "/" + std::to_string(total) + " " + text);
    };
    options.log = [this](const std::string& line) { logs.push_back(line); };
  }
  ukc::Status Build(const std::string& dockerfile) {
    Write(context / "Dockerfile", dockerfile);
    return BuildDockerfile(options, &result);
  }
  fs::path Out(const std::string& rel) const { return result.rootfs_dir / rel; }
};

inline void WriteTar(const fs::path& path,
                     const std::vector<std::pair<std::string, std::string>>& files,
                     const std::vector<std::pair<std::string, std::string>>& symlinks = {}) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  for (const auto& [name, target] : symlinks) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_set_symlink(e, target.c_str());
    archive_write_header(a, e);
    archive_entry_free(e);
  }
  for (const auto& [name, content] : files) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0640);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

}  // namespace dockerfile_test
