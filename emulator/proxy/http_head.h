// HTTP/1.x message heads and body framing for the service proxy, parsed in place (string_views
// into the caller's buffer, valid until it changes). The proxy forwards bodies byte for byte;
// BodyFramer only finds where a body ends (Content-Length, chunked incl. trailers, or until
// close). Strict: anything ambiguous (obs-fold, CL + TE, bad lengths) is rejected as kBad.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ukc::proxy {

inline constexpr size_t kMaxHeadSize = size_t{64} * 1024;

enum class ParseResult { kIncomplete, kOk, kBad, kTooLarge };

struct HeaderField {
  std::string_view name, value;
};

// What both heads share: fields and the framing-relevant headers.
struct MessageHead {
  int minor_version = 1;  // HTTP/1.<minor>
  std::vector<HeaderField> fields;
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool chunked = false;
  bool connection_close = false, connection_keep_alive = false, connection_upgrade = false;
  size_t head_size = 0;  // bytes up to and including the blank line
};

struct RequestHead : MessageHead {
  std::string_view method, target, host, upgrade;
  bool expect_continue = false;
  // The client wants the connection kept after the response.
  bool KeepAlive() const {
    return minor_version >= 1 ? !connection_close : connection_keep_alive && !connection_close;
  }
};

struct ResponseHead : MessageHead {
  int status = 0;
};

// Parses a request head at the start of `data` (at most kMaxHeadSize bytes).
ParseResult ParseRequestHead(std::string_view data, RequestHead* head);
ParseResult ParseResponseHead(std::string_view data, ResponseHead* head);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Follows one message body through the bytes that carry it.
class BodyFramer {
 public:
  enum class Kind { kNone, kLength, kChunked, kUntilClose };
  void Reset(Kind kind, uint64_t length = 0);
  // How many of the `size` bytes at `data` belong to the body; false when the chunked framing is
  // malformed. Afterwards done() tells whether the body ended within them.
  bool Take(const char* data, size_t size, size_t* taken);
  bool done() const { return done_; }
  Kind kind() const { return kind_; }

 private:
  enum class Chunk { kSize, kExtension, kSizeLf, kData, kDataCr, kDataLf, kTrailer, kTrailerLf };
  bool TakeChunked(const char* data, size_t size, size_t* taken);

  Kind kind_ = Kind::kNone;
  uint64_t remaining_ = 0;
  bool done_ = true;
  Chunk state_ = Chunk::kSize;
  int size_digits_ = 0;
  size_t line_length_ = 0, trailer_bytes_ = 0;
};

// Framing of a request body per RFC 9112 §6.
BodyFramer::Kind RequestBodyKind(const RequestHead& head);
// Framing of a response body to a request with `method`.
BodyFramer::Kind ResponseBodyKind(const ResponseHead& head, std::string_view method);

}  // namespace ukc::proxy
