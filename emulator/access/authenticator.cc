#include "access/authenticator.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <ctime>

#include "auth/token.h"
#include "base/encoding.h"

namespace ukc::access {

namespace {
constexpr std::string_view kIssuedPrefix = "ukcreg.";

std::string_view AfterScheme(const std::string& header, std::string_view scheme) {
  if (header.size() <= scheme.size() + 1) return {};
  for (size_t i = 0; i < scheme.size(); i++) {
    if (tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return {};
  }
  if (header[scheme.size()] != ' ') return {};
  std::string_view rest(header);
  rest.remove_prefix(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}
}  // namespace

std::optional<std::string> Authenticator::Verify(const std::string& account,
                                                 const std::string& secret) const {
  auth::Credentials c{auth::UserFromAccount(account), secret};
  if (c.user.empty() || c.secret.empty() || !users_->Verify(c)) return std::nullopt;
  return c.user;
}

std::optional<std::string> Authenticator::AuthenticateBasic(
    const std::string& authorization) const {
  std::string_view value = AfterScheme(authorization, "basic");
  if (value.empty()) return std::nullopt;
  auto decoded = Base64Decode(value);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return Verify(decoded->substr(0, colon), decoded->substr(colon + 1));
}

std::optional<std::string> Authenticator::Authenticate(const std::string& authorization) const {
  if (auto user = AuthenticateBasic(authorization)) return user;
  std::string_view bearer = AfterScheme(authorization, "bearer");
  if (bearer.empty()) return std::nullopt;
  std::string token(bearer);
  if (token.rfind(kIssuedPrefix, 0) == 0) return VerifyIssuedToken(token);
  auto credentials = auth::DecodeToken(token);
  if (!credentials || !users_->Verify(*credentials)) return std::nullopt;
  return credentials->user;
}

std::string Authenticator::Sign(const std::string& payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), signing_key_.data(), static_cast<int>(signing_key_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &length);
  return HexEncode(std::string_view(reinterpret_cast<char*>(mac), length));
}

std::string Authenticator::IssueToken(const std::string& user, int64_t expires_at) const {
  std::string payload = user + "|" + std::to_string(expires_at);
  return std::string(kIssuedPrefix) + HexEncode(payload) + "." + Sign(payload);
}

std::optional<std::string> Authenticator::VerifyIssuedToken(const std::string& token) const {
  std::string_view rest(token);
  rest.remove_prefix(kIssuedPrefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view hex = rest.substr(0, dot);
  std::string signature(rest.substr(dot + 1));
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string payload;
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto byte = PercentDecode("%" + std::string(hex.substr(i, 2)), false);
    if (!byte) return std::nullopt;
    payload += *byte;
  }
  std::string expected = Sign(payload);
  if (expected.size() != signature.size() ||
      CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  size_t bar = payload.find('|');
  if (bar == std::string::npos) return std::nullopt;
  int64_t expires_at = std::stoll(payload.substr(bar + 1));
  if (expires_at < static_cast<int64_t>(std::time(nullptr))) return std::nullopt;
  std::string user = payload.substr(0, bar);
  if (!users_->Find(user)) return std::nullopt;
  return user;
}

}  // namespace ukc::access
