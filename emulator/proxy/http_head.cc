// HTTP/1.x head parsing and body framing for the service proxy. See http_head.h.
#include "proxy/http_head.h"

#include <array>
#include <cstring>

namespace ukc::proxy {
namespace {

constexpr std::array<bool, 256> MakeTokenTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; c++) t[c] = true;
  for (int c = 'a'; c <= 'z'; c++) t[c] = true;
  for (int c = 'A'; c <= 'Z'; c++) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kToken = MakeTokenTable();

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!kToken[c]) return false;
  }
  return true;
}

// Field values and targets: visible characters, SP, HTAB and obs-text; no other controls.
bool IsFieldText(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// Finds the blank line ending a head; sets *end past it.
ParseResult FindHeadEnd(std::string_view data, size_t* end) {
  if (data.size() < 4) return ParseResult::kIncomplete;  // (an empty buffer has no storage)
  const char* hit = static_cast<const char*>(
      memmem(data.data(), std::min(data.size(), kMaxHeadSize), "\r\n\r\n", 4));
  if (hit == nullptr) {
    return data.size() >= kMaxHeadSize ? ParseResult::kTooLarge : ParseResult::kIncomplete;
  }
  *end = static_cast<size_t>(hit - data.data()) + 4;
  return ParseResult::kOk;
}

bool ParseVersion(std::string_view v, int* minor) {
  if (v.size() != 8 || v.substr(0, 7) != "HTTP/1." || v[7] < '0' || v[7] > '9') return false;
  *minor = v[7] - '0';
  return true;
}

void ParseConnectionTokens(std::string_view value, MessageHead* head) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view token = Trim(value.substr(0, comma));
    if (EqualsIgnoreCase(token, "close")) head->connection_close = true;
    if (EqualsIgnoreCase(token, "keep-alive")) head->connection_keep_alive = true;
    if (EqualsIgnoreCase(token, "upgrade")) head->connection_upgrade = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Cheap pre-filter: could `name` be one of the fields ParseFields interprets?
bool IsFramingCandidate(std::string_view name) {
  switch (name.size()) {
    case 4:   // host
    case 6:   // expect
    case 7:   // upgrade
    case 10:  // connection
    case 14:  // content-length
    case 17:  // transfer-encoding
      return true;
    default:
      return false;
  }
}

// Parses the field lines in `lines` (each ending in CRLF) into `head`; false when malformed.
bool ParseFields(std::string_view lines, MessageHead* head, RequestHead* request) {
  head->fields.clear();
  bool has_te = false;
  while (!lines.empty()) {
    size_t eol = lines.find("\r\n");
    std::string_view line = lines.substr(0, eol);
    lines.remove_prefix(eol + 2);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (!IsToken(name) || !IsFieldText(value)) return false;  // also rejects obs-fold
    head->fields.push_back({name, value});
    if (!IsFramingCandidate(name)) continue;
    if (EqualsIgnoreCase(name, "content-length")) {
      uint64_t length;
      if (!ParseDecimal(value, &length)) return false;
      if (head->has_content_length && length != head->content_length) return false;
      head->has_content_length = true;
      head->content_length = length;
    } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
      if (has_te || !EqualsIgnoreCase(value, "chunked")) return false;
      has_te = head->chunked = true;
    } else if (EqualsIgnoreCase(name, "connection")) {
      ParseConnectionTokens(value, head);
    } else if (request != nullptr && EqualsIgnoreCase(name, "host")) {
      if (!request->host.empty() || value.empty()) return false;
      request->host = value;
    } else if (request != nullptr && EqualsIgnoreCase(name, "upgrade")) {
      request->upgrade = value;
    } else if (request != nullptr && EqualsIgnoreCase(name, "expect")) {
      request->expect_continue = EqualsIgnoreCase(value, "100-continue");
    }
  }
  return !(head->has_content_length && head->chunked);
}

void ResetHead(MessageHead* head) {
  head->has_content_length = head->chunked = false;
  head->content_length = 0;
  head->connection_close = head->connection_keep_alive = head->connection_upgrade = false;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

ParseResult ParseRequestHead(std::string_view data, RequestHead* head) {
  size_t end;
  if (ParseResult r = FindHeadEnd(data, &end); r != ParseResult::kOk) return r;
  ResetHead(head);
  head->host = head->upgrade = {};
  head->expect_continue = false;
  head->head_size = end;
  std::string_view text = data.substr(0, end);
  size_t eol = text.find("\r\n");
  std::string_view line = text.substr(0, eol);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return ParseResult::kBad;
  head->method = line.substr(0, sp1);
  head->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (!IsToken(head->method) || head->target.empty() || !IsFieldText(head->target) ||
      head->target.find(' ') != std::string_view::npos ||
      !ParseVersion(line.substr(sp2 + 1), &head->minor_version)) {
    return ParseResult::kBad;
  }
  if (!ParseFields(text.substr(eol + 2), head, head)) return ParseResult::kBad;
  if (head->minor_version >= 1 && head->host.empty()) return ParseResult::kBad;
  return ParseResult::kOk;
}

ParseResult ParseResponseHead(std::string_view data, ResponseHead* head) {
  size_t end;
  if (ParseResult r = FindHeadEnd(data, &end); r != ParseResult::kOk) return r;
  ResetHead(head);
  head->head_size = end;
  std::string_view text = data.substr(0, end);
  size_t eol = text.find("\r\n");
  std::string_view line = text.substr(0, eol);
  if (line.size() < 12 || !ParseVersion(line.substr(0, 8), &head->minor_version) ||
      line[8] != ' ') {
    return ParseResult::kBad;
  }
  uint64_t status;
  if (!ParseDecimal(line.substr(9, 3), &status) || status < 100 || status > 999 ||
      (line.size() > 12 && line[12] != ' ')) {
    return ParseResult::kBad;
  }
  head->status = static_cast<int>(status);
  if (!ParseFields(text.substr(eol + 2), head, nullptr)) return ParseResult::kBad;
  return ParseResult::kOk;
}

BodyFramer::Kind RequestBodyKind(const RequestHead& head) {
  if (head.chunked) return BodyFramer::Kind::kChunked;
  if (head.has_content_length && head.content_length > 0) return BodyFramer::Kind::kLength;
  return BodyFramer::Kind::kNone;
}

BodyFramer::Kind ResponseBodyKind(const ResponseHead& head, std::string_view method) {
  if (method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304) {
    return BodyFramer::Kind::kNone;
  }
  if (head.chunked) return BodyFramer::Kind::kChunked;
  if (head.has_content_length) {
    return head.content_length > 0 ? BodyFramer::Kind::kLength : BodyFramer::Kind::kNone;
  }
  return BodyFramer::Kind::kUntilClose;
}

}  // namespace ukc::proxy
