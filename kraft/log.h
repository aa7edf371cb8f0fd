// kraft's log lines on stderr in the basic log type (kraft-cli.md §1.2): " <L>  message", with
// L = i (info), W (warning), E (error).
#pragma once

#include <string>

namespace kraft {

void LogInfo(const std::string& message);
void LogWarn(const std::string& message);
void LogError(const std::string& message);

}  // namespace kraft
