#include "kraftfile/kraftfile.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kraftfile/shell_words.h"

namespace fs = std::filesystem;
using kraft::Kraftfile;

namespace {

struct TempDir {
  fs::path root;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kraftfile-test-XXXXXX").string();
    root = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(root); }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
};

ukc::Status Parse(const std::string& text, Kraftfile* k) {
  return kraft::ParseKraftfile(text, "Kraftfile", "app", k);
}

}  // namespace

TEST_CASE("Kraftfile: the http-python3.12 example") {
  Kraftfile k;
  auto s = Parse(R"(spec: v0.6

runtime: python:3.12

labels:
  cloud.unikraft.v1.instances/scale_to_zero.policy: "on"
  cloud.unikraft.v1.instances/scale_to_zero.stateful: "false"
  cloud.unikraft.v1.instances/scale_to_zero.cooldown_time_ms: 1000

rootfs: ./Dockerfile

cmd: ["/usr/bin/python3", "/src/server.py"]
)",
                 &k);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(k.spec == "v0.6");
  CHECK(k.name == "app");
  CHECK(k.runtime == "python:3.12");
  CHECK(k.runtime_reference == "official/python:3.12");
  CHECK(k.rootfs_source == "./Dockerfile");
  CHECK(k.rootfs_type == "");
  CHECK(k.cmd == std::vector<std::string>{"/usr/bin/python3", "/src/server.py"});
  CHECK(k.labels.at("cloud.unikraft.v1.instances/scale_to_zero.cooldown_time_ms") == "1000");
  CHECK(k.labels.at("cloud.unikraft.v1.instances/scale_to_zero.policy") == "on");
  CHECK(k.outdir == ".unikraft/build");
}

TEST_CASE("Kraftfile: every key and its forms") {
  Kraftfile k;
  auto s = Parse(R"(specification: '0.6'
name: web
runtime: {source: unikraft.org/nginx, version: "1.25"}
rootfs: {source: ./Dockerfile, format: erofs}
cmd: /usr/bin/app --port "8 0" 'a b'
env:
  B: 2
  A: one
labels: {x: y}
volumes: ["./src:/dest", {source: ./d, destination: /d, driver: 9pfs, readOnly: true}]
targets: ["kraftcloud/x86_64", {name: t, platform: qemu, architecture: arm64}]
outdir: out
roms: [./rom.cpio, {source: ./r2, type: cpio}]
libraries: {musl: stable, lwip: {source: https://x/lwip.git, version: "1.0"}}
x-custom: {anything: [1, 2]}
)",
                 &k);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(k.spec == "0.6");
  CHECK(k.name == "web");
  CHECK(k.runtime == "unikraft.org/nginx:1.25");
  CHECK(k.runtime_reference == "official/nginx:1.25");
  CHECK(k.rootfs_source == "./Dockerfile");
  CHECK(k.rootfs_type == "erofs");
  CHECK(k.cmd == std::vector<std::string>{"/usr/bin/app", "--port", "8 0", "a b"});
  CHECK(k.env == std::vector<std::string>{"B=2", "A=one"});  // file order kept
  REQUIRE(k.volumes.size() == 2);
  CHECK(k.volumes[0].source == "./src");
  CHECK(k.volumes[0].destination == "/dest");
  CHECK(k.volumes[1].driver == "9pfs");
  CHECK(k.volumes[1].read_only);
  REQUIRE(k.targets.size() == 2);
  CHECK(k.targets[0].platform == "kraftcloud");
  CHECK(k.targets[0].architecture == "x86_64");
  CHECK(k.targets[1].architecture == "arm64");
  CHECK(k.outdir == "out");
  REQUIRE(k.roms.size() == 2);
  CHECK(k.roms[1].type == "cpio");
  CHECK(k.libraries.at("lwip") == "https://x/lwip.git:1.0");
  CHECK(k.extensions.count("x-custom") == 1);
}

TEST_CASE("Kraftfile: env as a list, unikraft and template forms") {
  Kraftfile k;
  REQUIRE(
      Parse("unikraft: stable\ntemplate: app/elfloader:stable\nenv: [A=1, \"B=x y\"]\n", &k).ok());
  CHECK(k.has_unikraft);
  CHECK(k.unikraft == "stable");
  CHECK(k.template_source == "app/elfloader:stable");
  CHECK(k.env == std::vector<std::string>{"A=1", "B=x y"});
  CHECK(k.runtime_reference.empty());
}

TEST_CASE("Kraftfile: errors name the file and line") {
  Kraftfile k;
  auto s = Parse("spec: v0.6\nruntime: base\n\n\n\n\nrootfss: ./Dockerfile\n", &k);
  CHECK(s.message() == "Kraftfile:7: unknown key \"rootfss\"");
  s = Parse("spec: v0.6\nruntime: [unclosed\n", &k);
  CHECK(!s.ok());
  CHECK(s.message().rfind("Kraftfile:", 0) == 0);
  CHECK(s.message().find("Kraftfile:3:") == 0);  // yaml-cpp reports the end of the flow list
  s = Parse("runtime: base\ncmd: {a: b}\n", &k);
  CHECK(s.message() == "Kraftfile:2: cmd must be a string or a list of strings");
  s = Parse("runtime: base\nrootfs: {source: ./Dockerfile, type: squashfs}\n", &k);
  CHECK(s.message().find("Kraftfile:2: unsupported rootfs type \"squashfs\"") == 0);
  s = Parse("runtime: base\nruntime: python\n", &k);
  CHECK(s.message() == "Kraftfile:2: duplicate key \"runtime\"");
  s = Parse("- a\n- b\n", &k);
  CHECK(s.message().find("Kraftfile:1: the top level must be a mapping") == 0);
  s = Parse("runtime: base\nname: a\n  bad: indent\n", &k);
  CHECK(s.message() == "Kraftfile:3: illegal map value");
  s = Parse("runtime: base\ncmd: \"a 'b\"\n", &k);
  CHECK(s.message() == "Kraftfile:2: cmd: unterminated ' quote");
}

TEST_CASE("Kraftfile: runtime names resolve like kraftkit's for the cloud") {
  using kraft::ResolveRuntimeReference;
  CHECK(ResolveRuntimeReference("python:3.12") == "official/python:3.12");
  CHECK(ResolveRuntimeReference("base") == "official/base:latest");
  CHECK(ResolveRuntimeReference("base-compat:latest") == "official/base-compat:latest");
  CHECK(ResolveRuntimeReference("unikraft.org/nginx:1.25") == "official/nginx:1.25");
  CHECK(ResolveRuntimeReference("index.unikraft.io/official/python:3.12") ==
        "official/python:3.12");
  CHECK(ResolveRuntimeReference("unikraft.io/official-testing/python:3.12") ==
        "official-testing/python:3.12");
  CHECK(ResolveRuntimeReference("oci://razvand/app") == "razvand/app:latest");
  CHECK(ResolveRuntimeReference("localhost:7000/local/app:v1") == "localhost:7000/local/app:v1");
  CHECK(ResolveRuntimeReference("node@sha256:abcd") == "official/node@sha256:abcd");
  CHECK(ResolveRuntimeReference("kernel://./build/app").empty());
  CHECK(ResolveRuntimeReference("").empty());
}

TEST_CASE("Kraftfile: discovery by name, walking up, explicit path, ambiguity") {
  TempDir t;
  t.Write("proj/Kraftfile", "runtime: base\n");
  fs::create_directories(t.root / "proj/sub/deeper");
  Kraftfile k;
  auto s = kraft::LoadKraftfile(t.root / "proj/sub/deeper", "", &k);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(k.path == t.root / "proj/Kraftfile");
  CHECK(k.workdir == t.root / "proj");
  CHECK(k.name == "proj");
  CHECK(k.runtime_reference == "official/base:latest");

  t.Write("proj/sub/custom.yaml", "runtime: node:21\nbogus: 1\n");
  s = kraft::LoadKraftfile(t.root / "proj/sub", "custom.yaml", &k);
  CHECK(s.message() == "custom.yaml:2: unknown key \"bogus\"");
  s = kraft::LoadKraftfile(t.root / "proj/sub", "missing.yaml", &k);
  CHECK(s.kind() == ukc::Status::Kind::kNotFound);

  t.Write("proj/kraft.yaml", "runtime: base\n");
  s = kraft::LoadKraftfile(t.root / "proj", "", &k);
  CHECK(s.message().find("found multiple config files with supported names") == 0);

  TempDir empty;
  fs::path found;
  s = kraft::FindKraftfile(empty.root, "", &found);
  // The walk may find a Kraftfile above /tmp on a developer machine; none here means NotFound.
  if (!s.ok()) CHECK(s.kind() == ukc::Status::Kind::kNotFound);
}

TEST_CASE("Kraftfile: shell words") {
  std::vector<std::string> w;
  REQUIRE(kraft::SplitShellWords(R"(a "b c" 'd "e"' f\ g "h\"i" '')", &w).ok());
  CHECK(w == std::vector<std::string>{"a", "b c", "d \"e\"", "f g", "h\"i", ""});
  CHECK(!kraft::SplitShellWords("a 'b", &w).ok());
}
