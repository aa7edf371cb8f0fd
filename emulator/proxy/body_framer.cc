// BodyFramer: finds where an HTTP/1.x body ends while the proxy forwards it unchanged. See
// http_head.h.
#include <algorithm>

#include "proxy/http_head.h"

namespace ukc::proxy {
namespace {

constexpr size_t kMaxChunkLine = 4096;
constexpr size_t kMaxTrailers = kMaxHeadSize;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void BodyFramer::Reset(Kind kind, uint64_t length) {
  kind_ = kind;
  remaining_ = length;
  done_ = kind == Kind::kNone || (kind == Kind::kLength && length == 0);
  state_ = Chunk::kSize;
  size_digits_ = 0;
  line_length_ = trailer_bytes_ = 0;
}

bool BodyFramer::Take(const char* data, size_t size, size_t* taken) {
  *taken = 0;
  if (done_) return true;
  switch (kind_) {
    case Kind::kNone:
      return true;
    case Kind::kUntilClose:
      *taken = size;
      return true;
    case Kind::kLength: {
      uint64_t n = std::min<uint64_t>(remaining_, size);
      remaining_ -= n;
      *taken = static_cast<size_t>(n);
      done_ = remaining_ == 0;
      return true;
    }
    case Kind::kChunked:
      return TakeChunked(data, size, taken);
  }
  return false;
}

bool BodyFramer::TakeChunked(const char* data, size_t size, size_t* taken) {
  size_t i = 0;
  while (i < size && !done_) {
    char c = data[i];
    switch (state_) {
      case Chunk::kSize: {
        int v = HexValue(c);
        if (v >= 0) {
          if (++size_digits_ > 15) return false;
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(v);
        } else if (size_digits_ > 0 && (c == ';' || c == ' ' || c == '\t')) {
          state_ = Chunk::kExtension;
          line_length_ = 0;
        } else if (size_digits_ > 0 && c == '\r') {
          state_ = Chunk::kSizeLf;
        } else {
          return false;
        }
        i++;
        break;
      }
      case Chunk::kExtension:
        if (c == '\r') state_ = Chunk::kSizeLf;
        if (++line_length_ > kMaxChunkLine) return false;
        i++;
        break;
      case Chunk::kSizeLf:
        if (c != '\n') return false;
        state_ = remaining_ == 0 ? Chunk::kTrailer : Chunk::kData;
        line_length_ = 0;
        i++;
        break;
      case Chunk::kData: {
        uint64_t n = std::min<uint64_t>(remaining_, size - i);
        remaining_ -= n;
        i += static_cast<size_t>(n);
        if (remaining_ == 0) state_ = Chunk::kDataCr;
        break;
      }
      case Chunk::kDataCr:
        if (c != '\r') return false;
        state_ = Chunk::kDataLf;
        i++;
        break;
      case Chunk::kDataLf:
        if (c != '\n') return false;
        state_ = Chunk::kSize;
        size_digits_ = 0;
        i++;
        break;
      case Chunk::kTrailer:
        if (c == '\r') {
          state_ = Chunk::kTrailerLf;
        } else if (++line_length_ > kMaxChunkLine || ++trailer_bytes_ > kMaxTrailers) {
          return false;
        }
        i++;
        break;
      case Chunk::kTrailerLf:
        if (c != '\n') return false;
        if (line_length_ == 0) done_ = true;
        line_length_ = 0;
        state_ = Chunk::kTrailer;
        i++;
        break;
    }
  }
  *taken = i;
  return true;
}

}  // namespace ukc::proxy
