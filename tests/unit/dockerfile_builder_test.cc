#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dockerfile_test_util.h"

namespace fs = std::filesystem;
using namespace kraft::build;
using namespace dockerfile_test;
TEST_CASE("Dockerfile build: COPY files, globs, directories and destinations") {
  Fixture f;
  Write(f.context / "server.py", "print('hi')\n");
  Write(f.context / "a.txt", "a");
  Write(f.context / "b.txt", "b");
  Write(f.context / "src/x/deep.txt", "deep");
  Write(f.context / "src/top.md", "top");
  auto s = f.Build(
      "FROM scratch\n"
      "COPY ./server.py /src/server.py\n"
      "COPY *.txt /texts/\n"
      "COPY src /tree\n"
      "COPY src/**/*.txt /deep/\n"
      "WORKDIR /app\n"
      "COPY a.txt rel.txt\n"
      "COPY b.txt .\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Read(f.Out("src/server.py")) == "print('hi')\n");
  CHECK(Read(f.Out("texts/a.txt")) == "a");
  CHECK(Read(f.Out("texts/b.txt")) == "b");
  CHECK(Read(f.Out("tree/x/deep.txt")) == "deep");  // a directory's contents, not itself
  CHECK(Read(f.Out("tree/top.md")) == "top");
  CHECK(Read(f.Out("deep/deep.txt")) == "deep");
  CHECK(Read(f.Out("app/rel.txt")) == "a");
  CHECK(Read(f.Out("app/b.txt")) == "b");
  CHECK(f.result.config.working_dir == "/app");
  CHECK(!f.result.cached);
  REQUIRE(f.steps.size() == 8);
  CHECK(f.steps[0] == "1/8 FROM scratch");
  CHECK(f.steps[1] == "2/8 COPY ./server.py /src/server.py");
}

TEST_CASE("Dockerfile build: COPY errors name the line") {
  Fixture f;
  Write(f.context / "a.txt", "a");
  Write(f.context / "b.txt", "b");
  CHECK(f.Build("FROM scratch\nCOPY *.txt /file\n").message() ==
        "Dockerfile:2: COPY when using COPY with more than one source file, the destination must "
        "be a directory and end with a /");
  CHECK(f.Build("FROM scratch\n\nCOPY missing.txt /\n").message() ==
        "Dockerfile:3: COPY file not found in build context or excluded by .dockerignore: "
        "missing.txt");
  CHECK(f.Build("FROM scratch\nCOPY a.txt\n").message() ==
        "Dockerfile:2: COPY requires at least two arguments");
  CHECK(f.Build("FROM scratch\nADD https://example.com/x.tgz /x\n").message() ==
        "Dockerfile:2: ADD ADD https://example.com/x.tgz: remote URLs are not supported (builds "
        "are offline); download it into the build context and COPY it");
}

TEST_CASE("Dockerfile build: multi-stage, --from by name and index, --target") {
  Fixture f;
  Write(f.context / "main.c", "int main(){}");
  auto s = f.Build(
      "FROM scratch AS build\n"
      "COPY main.c /work/app\n"
      "FROM scratch AS unused\n"
      "RUN never run\n"
      "FROM scratch\n"
      "COPY --from=build /work/app /bin/app\n"
      "COPY --from=0 /work/app /bin/app0\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Read(f.Out("bin/app")) == "int main(){}");
  CHECK(Read(f.Out("bin/app0")) == "int main(){}");
  CHECK(f.runner.calls.empty());  // the unused stage was skipped
  CHECK(f.steps.size() == 5);

  f.options.target = "build";
  s = f.Build("FROM scratch AS build\nCOPY main.c /m.c\nFROM scratch\nCOPY main.c /other\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(fs::exists(f.Out("m.c")));
  CHECK(!fs::exists(f.Out("other")));
  f.options.target = "nope";
  CHECK(f.Build("FROM scratch AS build\n").message().find("target stage \"nope\"") == 0);
}

TEST_CASE("Dockerfile build: FROM an image and an earlier stage inherit files and config") {
  Fixture f;
  auto s = f.Build(
      "FROM base:1 AS b\n"
      "ENV EXTRA=2\n"
      "FROM b\n"
      "COPY --from=base:1 /etc/os-release /copied\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Read(f.Out("etc/os-release")) == "ID=fake\n");
  CHECK(Read(f.Out("copied")) == "ID=fake\n");
  CHECK(f.result.config.env ==
        std::vector<std::string>{"PATH=/usr/bin", "FROM_IMAGE=1", "EXTRA=2"});
  CHECK(f.result.config.cmd == std::vector<std::string>{"/usr/bin/tool"});
  CHECK(f.Build("FROM unknown:9\n").message().find("Dockerfile:1: FROM unknown:9: unknown image") ==
        0);
}

TEST_CASE("Dockerfile build: --chmod and --chown") {
  Fixture f;
  Write(f.context / "run.sh", "#!/bin/sh\n");
  fs::permissions(f.context / "run.sh", fs::perms(0644));
  Write(f.context / "dir/file", "x");
  Write(f.context / "passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
  Write(f.context / "group", "root:x:0:\nstaff:x:50:\n");
  auto s = f.Build(
      "FROM scratch\n"
      "COPY passwd /etc/passwd\n"
      "COPY group /etc/group\n"
      "COPY run.sh /plain.sh\n"
      "COPY --chmod=755 run.sh /exec.sh\n"
      "COPY --chmod=700 dir /d\n"
      "COPY --chown=app:staff run.sh /owned.sh\n"
      "COPY --chown=42 run.sh /numeric.sh\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Mode(f.Out("plain.sh")) == 0644);
  CHECK(Mode(f.Out("exec.sh")) == 0755);
  CHECK(Mode(f.Out("d/file")) == 0700);
  if (geteuid() == 0) {
    struct stat st;
    REQUIRE(stat(f.Out("owned.sh").c_str(), &st) == 0);
    CHECK(st.st_uid == 1000);
    CHECK(st.st_gid == 50);
    REQUIRE(stat(f.Out("numeric.sh").c_str(), &st) == 0);
    CHECK(st.st_uid == 42);
    CHECK(st.st_gid == 42);
  }
  CHECK(f.Build("FROM scratch\nCOPY --chmod=9z run.sh /x\n").message() ==
        "Dockerfile:2: invalid --chmod=9z (want octal, e.g. 755)");
  CHECK(f.Build("FROM scratch\nCOPY --chown=ghost run.sh /x\n")
            .message()
            .find("Dockerfile:2: --chown=ghost: unable to find user ghost") == 0);
}

TEST_CASE("Dockerfile build: ADD extracts local tarballs, copies other files") {
  Fixture f;
  WriteTar(f.context / "app.tar.gz", {{"app/main.py", "print(1)"}, {"/abs.txt", "abs"}});
  Write(f.context / "plain.gz", "not a tar");
  auto s = f.Build("FROM scratch\nADD app.tar.gz /opt/\nADD plain.gz /files/\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(Read(f.Out("opt/app/main.py")) == "print(1)");
  CHECK(Mode(f.Out("opt/app/main.py")) == 0640);
  CHECK(Read(f.Out("opt/abs.txt")) == "abs");  // absolute entry names land under the destination
  CHECK(Read(f.Out("files/plain.gz")) == "not a tar");
}

TEST_CASE("Dockerfile build: .dockerignore hides files from COPY") {
  Fixture f;
  Write(f.context / ".dockerignore", "*.log\nsecret/\n!secret/public.txt\n");
  Write(f.context / "app.py", "app");
  Write(f.context / "debug.log", "log");
  Write(f.context / "secret/key.pem", "key");
  Write(f.context / "secret/public.txt", "pub");
  auto s = f.Build("FROM scratch\nCOPY . /app/\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(fs::exists(f.Out("app/app.py")));
  CHECK(!fs::exists(f.Out("app/debug.log")));
  CHECK(!fs::exists(f.Out("app/secret/key.pem")));
  CHECK(Read(f.Out("app/secret/public.txt")) == "pub");
  CHECK(f.Build("FROM scratch\nCOPY debug.log /\n").message().find("excluded by .dockerignore") !=
        std::string::npos);
}

TEST_CASE("Dockerfile build: ARG, ENV, LABEL, EXPOSE, USER, CMD, ENTRYPOINT") {
  Fixture f;
  Write(f.context / "v1.txt", "one");
  Write(f.context / "v2.txt", "two");
  f.options.build_args = {{"VERSION", "2"}};
  auto s = f.Build(
      "ARG BASE=scratch\n"
      "FROM ${BASE}\n"
      "ARG VERSION=1\n"
      "ARG NAME=app\n"
      "ENV APP_HOME=/srv/$NAME GREETING=\"hello world\"\n"
      "ENV LEGACY some value\n"
      "COPY v${VERSION}.txt ${APP_HOME}/version\n"
      "WORKDIR $APP_HOME\n"
      "LABEL org.example.version=${VERSION} \"quoted key\"=yes\n"
      "EXPOSE 8080 53/udp ${UNSET:-9000}\n"
      "USER 1000:1000\n"
      "CMD [\"--port\", \"8080\"]\n"
      "ENTRYPOINT /srv/app/run\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  const ImageConfig& c = f.result.config;
  CHECK(Read(f.Out("srv/app/version")) == "two");
  CHECK(*c.GetEnv("APP_HOME") == "/srv/app");
  CHECK(*c.GetEnv("GREETING") == "hello world");
  CHECK(*c.GetEnv("LEGACY") == "some value");
  CHECK(c.GetEnv("PATH").has_value());      // BuildKit's default PATH for scratch
  CHECK(!c.GetEnv("VERSION").has_value());  // ARGs are not persisted
  CHECK(c.working_dir == "/srv/app");
  CHECK(c.labels.at("org.example.version") == "2");
  CHECK(c.labels.at("quoted key") == "yes");
  CHECK(c.exposed_ports == std::set<std::string>{"8080/tcp", "53/udp", "9000/tcp"});
  CHECK(c.user == "1000:1000");
  CHECK(c.cmd == std::vector<std::string>{"--port", "8080"});  // set in this stage: kept
  CHECK(c.entrypoint == std::vector<std::string>{"/bin/sh", "-c", "/srv/app/run"});

  s = f.Build("FROM base:1\nENTRYPOINT [\"/usr/bin/tool\"]\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(f.result.config.cmd.empty());  // the image's CMD does not survive a new ENTRYPOINT

  s = f.Build("FROM scratch\nHEALTHCHECK CMD true\nVOLUME /data\n");
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(f.logs.size() >= 2);
  CHECK(f.logs[f.logs.size() - 2] ==
        "Dockerfile:2: HEALTHCHECK is ignored (not used by Unikraft Cloud images)");
}
