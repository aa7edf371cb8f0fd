#include "build/dockerfile_parser.h"

#include <doctest/doctest.h>

#include "build/dockerignore.h"
#include "build/glob.h"
#include "build/safe_path.h"
#include "build/shell_lexer.h"

using namespace kraft::build;

namespace {

Dockerfile MustParse(const std::string& text) {
  Dockerfile df;
  auto s = ParseDockerfile(text, "Dockerfile", &df);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return df;
}

std::string ParseError(const std::string& text) {
  Dockerfile df;
  return ParseDockerfile(text, "Dockerfile", &df).message();
}

}  // namespace

TEST_CASE("Dockerfile parser: instructions, comments, continuations and line numbers") {
  Dockerfile df = MustParse(
      "# a comment\n"
      "FROM scratch AS base\n"
      "\n"
      "RUN echo one \\\n"
      "  # a comment inside\n"
      "    two \\\n"
      "\n"
      "    three\n"
      "copy --from=base --chmod=755 a b /dst/\n"
      "CMD [\"/bin/app\", \"--flag\"]\n"
      "ENTRYPOINT /bin/sh -c 'x'\n"
      "CMD [not json\n");
  REQUIRE(df.instructions.size() == 6);
  CHECK(df.instructions[0].keyword == "FROM");
  CHECK(df.instructions[0].line == 2);
  CHECK(df.instructions[1].keyword == "RUN");
  CHECK(df.instructions[1].line == 4);
  CHECK(df.instructions[1].args == "echo one two three");
  CHECK(!df.instructions[1].json);
  const Instruction& copy = df.instructions[2];
  CHECK(copy.keyword == "COPY");
  CHECK(copy.line == 9);
  CHECK(copy.flags == std::vector<std::string>{"--from=base", "--chmod=755"});
  CHECK(copy.args == "a b /dst/");
  CHECK(FlagValue(copy.flags, "from") == "base");
  bool present = true;
  FlagValue(copy.flags, "chown", &present);
  CHECK(!present);
  CHECK(df.instructions[3].json);
  CHECK(df.instructions[3].json_args == std::vector<std::string>{"/bin/app", "--flag"});
  CHECK(!df.instructions[4].json);
  CHECK(df.instructions[4].args == "/bin/sh -c 'x'");
  CHECK(!df.instructions[5].json);  // invalid JSON falls back to the shell form
}

TEST_CASE("Dockerfile parser: the escape directive") {
  Dockerfile df = MustParse(
      "# escape=`\n"
      "FROM scratch\n"
      "COPY a `\n"
      "  C:\\dir\\\n");
  CHECK(df.escape == '`');
  CHECK(df.directives.at("escape") == "`");
  REQUIRE(df.instructions.size() == 2);
  CHECK(df.instructions[1].args == "a C:\\dir\\");
  // A directive after an instruction is only a comment.
  df = MustParse("FROM scratch\n# escape=`\nRUN a \\\n b\n");
  CHECK(df.escape == '\\');
  CHECK(df.instructions[1].args == "a b");
}

TEST_CASE("Dockerfile parser: errors name the line") {
  CHECK(ParseError("FROM scratch\n\nCOPPY a b\n") == "Dockerfile:3: unknown instruction \"COPPY\"");
  CHECK(ParseError("FROM scratch\nWORKDIR\n") ==
        "Dockerfile:2: WORKDIR requires at least one argument");
  CHECK(ParseError("RUN x\nFROM scratch\n") ==
        "Dockerfile:1: RUN before the first FROM (no build stage in current context)");
  CHECK(ParseError("# escape=x\nFROM scratch\n").find("Dockerfile:1: invalid escape token") == 0);
  CHECK(ParseError("# just a comment\n\n") == "Dockerfile: file with no instructions");
  CHECK(ParseError("ARG V=1\nFROM scratch\n").empty());
}

TEST_CASE("Dockerfile variables: $VAR ${VAR} ${VAR:-d} ${VAR:+x} and quotes") {
  EnvLookup env = [](const std::string& k) -> std::optional<std::string> {
    if (k == "A") return "alpha";
    if (k == "EMPTY") return "";
    if (k == "SP") return "x y";
    return std::nullopt;
  };
  std::string w;
  auto expand = [&](const std::string& text) {
    REQUIRE(ExpandWord(text, env, '\\', &w).ok());
    return w;
  };
  CHECK(expand("$A/${A}_x") == "alpha/alpha_x");
  CHECK(expand("${NOPE:-def}") == "def");
  CHECK(expand("${EMPTY:-def}") == "def");
  CHECK(expand("${EMPTY-def}") == "");
  CHECK(expand("${A:+set}") == "set");
  CHECK(expand("${NOPE:+set}") == "");
  CHECK(expand("${NOPE:-${A}}") == "alpha");
  CHECK(expand("'$A' \"$A\" \\$A") == "$A alpha $A");
  CHECK(expand("cost: $5 $") == "cost:  $");  // $5 is a (unset) name
  CHECK(!ExpandWord("${NOPE:?required}", env, '\\', &w).ok());
  std::vector<std::string> words;
  REQUIRE(ExpandWords("a \"b c\" $SP 'd e'", env, '\\', &words).ok());
  CHECK(words == std::vector<std::string>{"a", "b c", "x", "y", "d e"});
}

TEST_CASE("Dockerfile globs and .dockerignore") {
  CHECK(MatchPath("*.txt", "a.txt"));
  CHECK(!MatchPath("*.txt", "dir/a.txt"));
  CHECK(MatchPath("**/*.txt", "dir/sub/a.txt"));
  CHECK(MatchPath("**/*.txt", "a.txt"));
  CHECK(MatchPath("src/**", "src/a/b"));
  CHECK(MatchPath("file?.[a-c]", "file1.b"));
  CHECK(!MatchPath("file?.[a-c]", "file1.d"));
  CHECK(MatchPath("[^a]x", "bx"));
  CHECK(!ValidPattern("[abc"));

  Dockerignore ig;
  REQUIRE(
      Dockerignore::Parse("# comment\n*.log\n/build\n!build/keep.txt\nnode_modules\n", &ig).ok());
  CHECK(ig.Ignored("x.log"));
  CHECK(!ig.Ignored("dir/x.log"));
  CHECK(ig.Ignored("build/out.o"));
  CHECK(!ig.Ignored("build/keep.txt"));
  CHECK(ig.Ignored("node_modules/a/b.js"));
  CHECK(!ig.Ignored("src/main.c"));
  Dockerignore bad;
  CHECK(Dockerignore::Parse("ok\n[oops\n", &bad).message() ==
        ".dockerignore:2: bad pattern \"[oops\"");
}

TEST_CASE("Dockerfile safe paths: clean and relative") {
  std::string out;
  CHECK(CleanInRoot("../../etc/passwd") == "/etc/passwd");
  CHECK(CleanInRoot("a/./b/../c/") == "/a/c");
  CHECK(CleanRelative("./a/../b", &out));
  CHECK(out == "b");
  CHECK(!CleanRelative("../x", &out));
  CHECK(!CleanRelative("a/../../x", &out));
  CHECK(!CleanRelative("/abs", &out));
}
