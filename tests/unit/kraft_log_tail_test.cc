// kraft's console-log tail (ukc-api.md §4.8): pages at -16383·k, stitched by range, last N
// lines; and the line printer's prefixes.
#include <doctest/doctest.h>

#include <sstream>

#include "cloud/log_tail.h"

namespace {

// A log of `total` bytes, retained from `first`; serves GET /instances/log as the emulator does.
struct FakeLog {
  explicit FakeLog(std::string log, int64_t first_retained = 0)
      : bytes(std::move(log)), first(first_retained) {}

  std::string bytes;
  int64_t first;
  std::vector<std::pair<int64_t, int64_t>> calls;

  ukc::Status Fetch(int64_t offset, int64_t limit, kraft::LogPage* page) {
    calls.push_back({offset, limit});
    int64_t end = static_cast<int64_t>(bytes.size());
    int64_t start = offset < 0 ? end + offset : offset;
    start = std::clamp<int64_t>(start, first, end);
    int64_t stop = std::min(end, start + limit);
    page->output = bytes.substr(static_cast<size_t>(start), static_cast<size_t>(stop - start));
    page->start = start;
    page->end = stop;
    page->available_start = first;
    page->available_end = end;
    page->state = "running";
    return ukc::Status::Ok();
  }
  kraft::LogFetcher Fetcher() {
    return [this](int64_t o, int64_t l, kraft::LogPage* p) { return Fetch(o, l, p); };
  }
};

std::string Lines(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "line " + std::to_string(i) + "\n";
  return out;
}

}  // namespace

TEST_CASE("log tail: a short log is one page") {
  FakeLog log(Lines(1, 3));
  kraft::LogTail tail;
  REQUIRE(kraft::ReadLogTail(log.Fetcher(), -1, &tail).ok());
  CHECK(tail.text == Lines(1, 3));
  CHECK(tail.next_offset == static_cast<int64_t>(log.bytes.size()));
  CHECK(log.calls == std::vector<std::pair<int64_t, int64_t>>{{-16383, 16383}});
}

TEST_CASE("log tail: a long log is read backwards at -16383·k and stitched without overlap") {
  FakeLog log(Lines(1, 5000));
  kraft::LogTail tail;
  REQUIRE(kraft::ReadLogTail(log.Fetcher(), -1, &tail).ok());
  CHECK(tail.text == log.bytes);
  CHECK(log.bytes.size() == 48893);  // three pages, the last one reaching back to byte 0
  CHECK(log.calls.size() == 3);
  CHECK(log.calls[1] == std::pair<int64_t, int64_t>{-32766, 16383});
  CHECK(log.calls[2] == std::pair<int64_t, int64_t>{-49149, 16383});
}

TEST_CASE("log tail: --tail N stops reading once N lines are there") {
  FakeLog log(Lines(1, 5000));
  kraft::LogTail tail;
  REQUIRE(kraft::ReadLogTail(log.Fetcher(), 2, &tail).ok());
  CHECK(tail.text == Lines(4999, 5000));
  CHECK(log.calls.size() == 1);
  REQUIRE(kraft::ReadLogTail(log.Fetcher(), 0, &tail).ok());
  CHECK(tail.text.empty());
}

TEST_CASE("log tail: bytes no longer retained are not asked for again") {
  FakeLog log(Lines(1, 5000), 20000);
  kraft::LogTail tail;
  REQUIRE(kraft::ReadLogTail(log.Fetcher(), -1, &tail).ok());
  CHECK(tail.text == log.bytes.substr(20000));
}

TEST_CASE("last lines: a final partial line counts") {
  CHECK(kraft::LastLines("a\nb\nc", 2) == "b\nc");
  CHECK(kraft::LastLines("a\nb\nc\n", 2) == "b\nc\n");
  CHECK(kraft::LastLines("a\nb\n", 5) == "a\nb\n");
  CHECK(kraft::LastLines("a\nb\n", -1) == "a\nb\n");
}

TEST_CASE("line printer: prefixes, partial lines held until their newline or Flush") {
  std::ostringstream out;
  kraft::LinePrinter p("app-1", &out);
  p.Feed("hel");
  CHECK(out.str().empty());
  p.Feed("lo\nwor");
  CHECK(out.str() == "app-1 | hello\n");
  p.Flush();
  CHECK(out.str() == "app-1 | hello\napp-1 | wor\n");
  std::ostringstream bare;
  kraft::LinePrinter q("", &bare);
  q.Feed("x\n\ny\n");
  CHECK(bare.str() == "x\n\ny\n");
}
