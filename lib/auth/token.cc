#include "auth/token.h"

#include "base/encoding.h"

namespace ukc::auth {

namespace {
constexpr std::string_view kRobotPrefix = "robot$";
constexpr std::string_view kRobotSuffix = ".users.kraftcloud";
}  // namespace

std::string RobotName(std::string_view user) {
  return std::string(kRobotPrefix) + std::string(user) + std::string(kRobotSuffix);
}

std::string UserFromAccount(std::string_view account) {
  if (account.substr(0, kRobotPrefix.size()) == kRobotPrefix) {
    account.remove_prefix(kRobotPrefix.size());
  }
  if (account.size() >= kRobotSuffix.size() &&
      account.substr(account.size() - kRobotSuffix.size()) == kRobotSuffix) {
    account.remove_suffix(kRobotSuffix.size());
  }
  return std::string(account);
}

std::string EncodeToken(const Credentials& c) {
  return Base64Encode(RobotName(c.user) + ":" + c.secret);
}

std::optional<Credentials> DecodeToken(std::string_view token) {
  auto decoded = Base64Decode(token);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == decoded->size()) {
    return std::nullopt;
  }
  return Credentials{UserFromAccount(decoded->substr(0, colon)), decoded->substr(colon + 1)};
}

bool IsValidUserName(std::string_view user) {
  if (user.empty() || user.size() > 63 || user == "official") return false;
  for (char c : user) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return user.front() != '-' && user.back() != '-';
}

}  // namespace ukc::auth
