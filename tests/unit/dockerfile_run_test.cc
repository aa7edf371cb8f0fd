#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "build/run_step.h"
#include "build/safe_path.h"
#include "dockerfile_test_util.h"

namespace fs = std::filesystem;
using namespace kraft::build;
using namespace dockerfile_test;

TEST_CASE("Dockerfile build: nothing escapes the context or the rootfs") {
  Fixture f;
  Write(f.tmp.root / "outside.txt", "secret");
  Write(f.context / "f.txt", "f");
  fs::create_directories(f.tmp.root / "host-target");
  // COPY sources climbing out of the context are refused.
  CHECK(f.Build("FROM scratch\nCOPY ../outside.txt /x\n").message() ==
        "Dockerfile:2: COPY forbidden path outside the build context: ../outside.txt");
  CHECK(f.Build("FROM scratch\nCOPY sub/../../outside.txt /x\n").message().find("forbidden path") !=
        std::string::npos);
  // A context symlink pointing outside is resolved inside the context: not found.
  fs::create_symlink(f.tmp.root / "outside.txt", f.context / "link-out");
  CHECK(f.Build("FROM scratch\nCOPY link-out/ /x\n").message().find("file not found") !=
        std::string::npos);
  fs::remove(f.context / "link-out");
  // Destinations with .. are clamped to the rootfs.
  auto s = f.Build("FROM scratch\nCOPY f.txt ../../../../clamped.txt\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Read(f.Out("clamped.txt")) == "f");
  // Symlinks in the rootfs pointing out (absolute and relative) are followed inside it.
  std::string abs_target = (f.tmp.root / "host-target").string();
  WriteTar(f.context / "links.tar.gz", {},
           {{"escape-abs", abs_target}, {"escape-rel", "../../../../../.." + abs_target}});
  s = f.Build(
      "FROM scratch\n"
      "ADD links.tar.gz /\n"
      "COPY f.txt /escape-abs/pwned.txt\n"
      "COPY f.txt /escape-rel/pwned2.txt\n"
      "WORKDIR /escape-abs/wd\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(fs::is_empty(f.tmp.root / "host-target"));
  CHECK(fs::is_symlink(f.Out("escape-abs")));
  CHECK(Read(f.Out(abs_target.substr(1) + "/pwned.txt")) == "f");
  CHECK(Read(f.Out(abs_target.substr(1) + "/pwned2.txt")) == "f");
  CHECK(fs::is_directory(f.Out(abs_target.substr(1) + "/wd")));
  // Tar entries climbing out of the destination are refused; symlink tricks stay inside.
  WriteTar(f.context / "evil.tar.gz", {{"../../evil.txt", "x"}});
  CHECK(f.Build("FROM scratch\nADD evil.tar.gz /a/b/\n").message() ==
        "Dockerfile:2: ADD evil.tar.gz: entry \"../../evil.txt\" points outside the destination");
  WriteTar(f.context / "trick.tar.gz", {{"link/pwned.txt", "x"}}, {{"link", abs_target}});
  s = f.Build("FROM scratch\nADD trick.tar.gz /t/\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(fs::is_empty(f.tmp.root / "host-target"));
  CHECK(Read(f.Out(abs_target.substr(1) + "/pwned.txt")) == "x");
}

TEST_CASE("Dockerfile safe paths: ResolveInRoot is chroot-like") {
  TempDir t;
  fs::path root = t.root / "root";
  fs::create_directories(root / "a");
  fs::create_symlink("/etc", root / "abs");
  fs::create_symlink("../../../../etc", root / "a/rel");
  fs::create_symlink("loop2", root / "loop1");
  fs::create_symlink("loop1", root / "loop2");
  fs::path out;
  REQUIRE(ResolveInRoot(root, "/abs/passwd", true, &out).ok());
  CHECK(out == root / "etc/passwd");
  REQUIRE(ResolveInRoot(root, "a/rel/passwd", true, &out).ok());
  CHECK(out == root / "etc/passwd");
  REQUIRE(ResolveInRoot(root, "/../../x/../y", true, &out).ok());
  CHECK(out == root / "y");
  REQUIRE(ResolveInRoot(root, "/abs", false, &out).ok());
  CHECK(out == root / "abs");
  CHECK(!ResolveInRoot(root, "/loop1/x", true, &out).ok());
}

TEST_CASE("Dockerfile build: RUN goes through bwrap with the stage's env and workdir") {
  Fixture f;
  Write(f.context / "sh", "#!fake");
  fs::permissions(f.context / "sh", fs::perms(0755));
  auto s = f.Build(
      "FROM scratch\n"
      "COPY sh /bin/sh\n"
      "ARG MODE=fast\n"
      "ENV HOME=/root\n"
      "WORKDIR /w\n"
      "RUN echo $MODE > out\n"
      "RUN [\"/bin/sh\", \"-c\", \"true\"]\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  REQUIRE(f.runner.calls.size() == 2);
  const auto& argv = f.runner.calls[0];
  CHECK(argv[0] == "bwrap");
  auto has = [&argv](const std::vector<std::string>& seq) {
    return std::search(argv.begin(), argv.end(), seq.begin(), seq.end()) != argv.end();
  };
  CHECK(has({"--unshare-all"}));
  CHECK(has({"--setenv", "HOME", "/root"}));
  CHECK(has({"--setenv", "MODE", "fast"}));
  CHECK(has({"--chdir", "/w"}));
  CHECK(has({"--", "/bin/sh", "-c", "echo $MODE > out"}));
  CHECK(f.runner.calls[1].back() == "true");
  CHECK(!fs::exists(f.Out("proc")));  // no mount points left behind

  CHECK(f.Build("FROM scratch\nWORKDIR /x\n\nRUN echo hi\n").message() ==
        "Dockerfile:4: RUN needs /bin/sh in the stage's rootfs (FROM scratch has none; copy a "
        "shell in or start FROM an image that has one)");
  CHECK(f.Build("FROM scratch\nRUN [\"python3\", \"-V\"]\n").message() ==
        "Dockerfile:2: RUN: executable \"python3\" not found in the stage's rootfs");
}

TEST_CASE("Dockerfile build: a real RUN inside bubblewrap") {
  std::string bwrap = FindInPath("bwrap");
  std::string busybox = fs::exists("/bin/busybox") ? "/bin/busybox" : FindInPath("busybox");
  if (bwrap.empty() || busybox.empty()) {
    MESSAGE("skipped: needs bwrap and busybox (apt-get install bubblewrap busybox-static)");
    return;
  }
  Fixture f;
  fs::copy_file(busybox, f.context / "busybox");
  {  // Can bwrap run here at all (user namespaces, mounts)?
    TempDir probe;
    fs::create_directories(probe.root / "bin");
    fs::copy_file(busybox, probe.root / "bin/sh");
    ProcessRunner runner;
    std::string out;
    RunSpec spec;
    spec.rootfs = probe.root;
    spec.argv = {"/bin/sh", "-c", "exit 0"};
    ukc::Status s = runner.Run(BwrapArgv(spec), &out);
    if (!s.ok()) {
      MESSAGE("skipped: bwrap cannot run on this machine: " << s.message() << " " << out);
      return;
    }
  }
  ProcessRunner real;
  f.options.runner = &real;
  auto s = f.Build(
      "FROM scratch\n"
      "COPY --chmod=755 busybox /bin/busybox\n"
      "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
      "ENV WHO=world\n"
      "WORKDIR /data\n"
      "RUN echo hi $WHO > /out.txt && pwd > where.txt\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Read(f.Out("out.txt")) == "hi world\n");
  CHECK(Read(f.Out("data/where.txt")) == "/data\n");
  CHECK(!fs::exists(f.Out("proc")));  // bwrap's mount points are not left in the rootfs
  CHECK(!fs::exists(f.Out("tmp")));
  s = f.Build("FROM scratch\nCOPY --chmod=755 busybox /bin/sh\nRUN exit 3\n");
  CHECK(s.message().find("Dockerfile:3: RUN exit 3: bwrap exited with code 3") == 0);
}

TEST_CASE("Dockerfile build: the content-keyed cache") {
  Fixture f;
  Write(f.context / "app.py", "v1");
  std::string df = "FROM scratch\nCOPY app.py /app.py\nCMD [\"app\"]\n";
  REQUIRE(f.Build(df).ok());
  CHECK(!f.result.cached);
  CHECK(fs::exists(f.work / "rootfs.key"));
  REQUIRE(f.Build(df).ok());
  CHECK(f.result.cached);
  CHECK(f.result.config.cmd == std::vector<std::string>{"app"});
  CHECK(Read(f.Out("app.py")) == "v1");
  Write(f.context / "app.py", "v2");  // a context change
  REQUIRE(f.Build(df).ok());
  CHECK(!f.result.cached);
  CHECK(Read(f.Out("app.py")) == "v2");
  f.options.build_args = {{"X", "1"}};  // a build-arg change
  REQUIRE(f.Build(df).ok());
  CHECK(!f.result.cached);
  Write(f.context / ".dockerignore", "ignored.txt\n");
  REQUIRE(f.Build(df).ok());
  Write(f.context / "ignored.txt", "x");  // ignored files do not count
  REQUIRE(f.Build(df).ok());
  CHECK(f.result.cached);
  f.options.no_cache = true;
  REQUIRE(f.Build(df).ok());
  CHECK(!f.result.cached);
  // An image without a digest is never cached.
  f.options.no_cache = false;
  REQUIRE(f.Build("FROM base:1\n").ok());
  REQUIRE(f.Build("FROM base:1\n").ok());
  CHECK(!f.result.cached);
}

TEST_CASE("Dockerfile build: a work dir inside the context is not part of it") {
  Fixture f;
  f.options.work_dir = f.context / ".unikraft/build/rootfs-stages";
  Write(f.context / "app.py", "x");
  std::string df = "FROM scratch\nCOPY . /app/\n";
  REQUIRE(f.Build(df).ok());
  CHECK(!fs::exists(f.Out("app/.unikraft")));
  REQUIRE(f.Build(df).ok());
  CHECK(f.result.cached);
}
