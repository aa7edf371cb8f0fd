#include "cloud/log_tail.h"

#include <algorithm>

namespace kraft {

std::string LastLines(const std::string& text, int n) {
  if (n < 0) return text;
  if (n == 0) return "";
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // the final newline ends the last line
  size_t pos = end;
  for (int lines = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++lines == n) break;
  }
  return text.substr(pos);
}

ukc::Status ReadLogTail(const LogFetcher& fetch, int tail, LogTail* out) {
  std::string collected;
  int64_t first_start = 0;
  for (int64_t k = 1;; ++k) {
    LogPage page;
    if (ukc::Status s = fetch(-kLogMaxPageSize * k, kLogMaxPageSize, &page); !s.ok()) return s;
    if (k == 1) {
      collected = page.output;
      first_start = page.start;
      out->next_offset = page.output.empty() ? std::max(page.end, page.available_end) : page.end;
      out->state = page.state;
    } else {
      if (page.start >= first_start) break;  // no older bytes came back
      int64_t keep = std::min<int64_t>(page.end, first_start) - page.start;
      keep = std::clamp<int64_t>(keep, 0, static_cast<int64_t>(page.output.size()));
      collected.insert(0, page.output, 0, static_cast<size_t>(keep));
      first_start = page.start;
    }
    bool at_beginning = static_cast<int64_t>(page.output.size()) < kLogMaxPageSize ||
                        page.start <= page.available_start;
    if (at_beginning) break;
    if (tail >= 0 && std::count(collected.begin(), collected.end(), '\n') > tail) break;
  }
  out->text = LastLines(collected, tail);
  return ukc::Status::Ok();
}

void LinePrinter::Line(const std::string& line) {
  if (prefix_.empty()) {
    *out_ << line << "\n";
  } else {
    *out_ << prefix_ << " | " << line << "\n";
  }
}

void LinePrinter::Feed(const std::string& bytes) {
  pending_ += bytes;
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    Line(pending_.substr(start, nl - start));
  }
  pending_.erase(0, start);
  out_->flush();
}

void LinePrinter::Flush() {
  if (!pending_.empty()) Line(pending_);
  pending_.clear();
  out_->flush();
}

}  // namespace kraft
