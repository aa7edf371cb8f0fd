// UKC tokens: base64("robot$<user>.users.kraftcloud:<secret>"), the real cloud's format. The same
// pair is the registry's Basic credentials. Shared by ukc-emu and kraft.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ukc::auth {

struct Credentials {
  std::string user;  // bare user name, e.g. "local"
  std::string secret;
};

// "robot$<user>.users.kraftcloud"
std::string RobotName(std::string_view user);
// Strips "robot$" and ".users.kraftcloud" when present; returns the bare user name.
std::string UserFromAccount(std::string_view account);
std::string EncodeToken(const Credentials& c);
// Decodes a token; nullopt when it is not base64 of "<account>:<secret>".
std::optional<Credentials> DecodeToken(std::string_view token);
// `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`, and not a reserved name such as "official".
bool IsValidUserName(std::string_view user);

}  // namespace ukc::auth
