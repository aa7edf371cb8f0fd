// The console-log reading of `kraft cloud instance logs`, as the G1 SDK's TailLogs does it
// against GET /v1/instances/log (ukc-api.md §4.8): pages of at most 16383 bytes at offsets
// -16383·k (k = 1, 2, …, relative to the end) until a short page or the first retained byte,
// or until enough lines for --tail; following then polls from the end of what was read.
// Offsets are absolute byte positions; `range` is the returned [start, end), `available` the
// retained [start, end).
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "base/status.h"

namespace kraft {

inline constexpr int64_t kLogMaxPageSize = 16383;  // 4096·4 − 1

struct LogPage {
  std::string output;                              // decoded bytes
  int64_t start = 0, end = 0;                      // range
  int64_t available_start = 0, available_end = 0;  // available
  std::string state;                               // the instance's state, "" when not sent
};

// One GET /instances/log call for a fixed instance.
using LogFetcher = std::function<ukc::Status(int64_t offset, int64_t limit, LogPage* page)>;

struct LogTail {
  std::string text;         // the last `tail` lines (all with tail < 0), as bytes
  int64_t next_offset = 0;  // where following continues
  std::string state;        // from the newest page
};

ukc::Status ReadLogTail(const LogFetcher& fetch, int tail, LogTail* out);
// The last `n` lines of `text` (a final line without '\n' counts); all of it when n < 0.
std::string LastLines(const std::string& text, int n);

// Writes complete lines as "<prefix> | <line>" (just "<line>" without a prefix), holding back
// a trailing partial line until its newline arrives or Flush.
class LinePrinter {
 public:
  LinePrinter(std::string prefix, std::ostream* out) : prefix_(std::move(prefix)), out_(out) {}
  void Feed(const std::string& bytes);
  void Line(const std::string& line);
  void Flush();

 private:
  std::string prefix_;
  std::ostream* out_;
  std::string pending_;
};

}  // namespace kraft
