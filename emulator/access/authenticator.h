// Who is calling: resolves an Authorization header to a user. Accepts HTTP Basic with a user's
// token credentials (account "robot$<user>.users.kraftcloud" or "<user>", password = secret), a
// UKC token as Bearer, and short-lived registry tokens that IssueToken signs (HMAC-SHA256).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/user_store.h"

namespace ukc::access {

class Authenticator {
 public:
  Authenticator(store::UserStore* users, std::string signing_key)
      : users_(users), signing_key_(std::move(signing_key)) {}

  // The user named by valid credentials in `authorization`; nullopt when absent or invalid.
  std::optional<std::string> Authenticate(const std::string& authorization) const;
  // Basic credentials only (the token endpoint); nullopt when absent or invalid.
  std::optional<std::string> AuthenticateBasic(const std::string& authorization) const;
  // Checks a "robot$…:secret"-style pair directly.
  std::optional<std::string> Verify(const std::string& account, const std::string& secret) const;
  // A bearer token for `user` valid until `expires_at` (unix seconds).
  std::string IssueToken(const std::string& user, int64_t expires_at) const;

 private:
  std::optional<std::string> VerifyIssuedToken(const std::string& token) const;
  std::string Sign(const std::string& payload) const;

  store::UserStore* users_;
  std::string signing_key_;
};

}  // namespace ukc::access
