// Byte encodings shared by server and client: base64 (std, padded), base64url, hex,
// percent-decoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ukc {

std::string Base64Encode(std::string_view bytes);
// Returns nullopt when `text` is not valid padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);
std::string HexEncode(std::string_view bytes);
// Decodes %XX escapes (and '+' as space when `plus_is_space`); nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
std::string PercentEncode(std::string_view text);
// Fills `n` bytes from the system's CSPRNG and returns them hex-encoded (2n characters).
std::string RandomHex(size_t n);

}  // namespace ukc
