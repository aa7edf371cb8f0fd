// Dockerfile parsing: parser directives (`# escape=`, `# syntax=`, `# check=`), comments, line
// continuations with the escape character, exec (JSON array) and shell forms, leading `--flags`
// of FROM/RUN/COPY/ADD. No variable expansion here (shell_lexer.h does that per instruction).
// Errors name the file and line: `Dockerfile:3: unknown instruction "COPPY"`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft::build {

struct Instruction {
  int line = 0;                    // 1-based line where the instruction starts
  std::string keyword;             // upper case: "FROM", "COPY", …
  std::vector<std::string> flags;  // as written: "--from=build", "--chmod=755"
  std::string args;                // the rest after the flags, trimmed, continuations joined
  bool json = false;               // args is a JSON array of strings (exec form)
  std::vector<std::string> json_args;
  std::string text;  // keyword + flags + args, for progress output
};

struct Dockerfile {
  char escape = '\\';
  std::map<std::string, std::string> directives;  // lower-case names
  std::vector<Instruction> instructions;
};

ukc::Status ParseDockerfile(const std::string& text, const std::string& display_name,
                            Dockerfile* out);

// The value of flag `name` ("from" for "--from=x") in `flags`; `*present` tells whether it was
// given at all. A flag given twice: the last wins.
std::string FlagValue(const std::vector<std::string>& flags, const std::string& name,
                      bool* present = nullptr);

}  // namespace kraft::build
