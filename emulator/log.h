// Process-wide logging to stderr: one line per event, with a UTC timestamp and level.
#pragma once

#include <string>

namespace ukc {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLogLevel(LogLevel level);
// Parses "debug", "info", "warn", "error"; false when unknown.
bool ParseLogLevel(const std::string& text, LogLevel* level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, const std::string& message);

}  // namespace ukc
