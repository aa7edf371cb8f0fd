// Splits a command line into words the way a POSIX shell (and go-shellwords, which kraftkit uses
// for a Kraftfile's `cmd` string) does, without any expansion: blanks separate words, '…' is
// literal, "…" honours \" \\ \$ \` escapes, a backslash outside quotes escapes the next character.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

// InvalidArgument on an unterminated quote or a trailing backslash.
ukc::Status SplitShellWords(const std::string& line, std::vector<std::string>* out);

}  // namespace kraft
