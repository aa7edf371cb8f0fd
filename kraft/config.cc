#include "config.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "base/encoding.h"
#include "config_file.h"

namespace kraft {
namespace {

constexpr const char* kPrefixes[] = {"UNIKRAFTCLOUD_", "KRAFTCLOUD_", "KC_", "UKC_"};

// The flag (defaulting to UKC_<what>), then the env prefixes in kraftkit's order.
std::string FromFlagOrEnv(const std::string& flag, const EnvLookup& env, const std::string& what) {
  if (!flag.empty()) return flag;
  if (std::string v = env("UKC_" + what); !v.empty()) return v;  // the flag's env default
  for (const char* prefix : kPrefixes) {
    if (std::string v = env(std::string(prefix) + what); !v.empty()) return v;
  }
  return "";
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) {
    const char* v = std::getenv(std::string(name).c_str());
    return std::string(v ? v : "");
  };
}

ukc::Status ParseToken(const std::string& token, CloudAuth* out) {
  std::optional<std::string> decoded = ukc::Base64Decode(token);
  if (!decoded) {
    return ukc::Status::InvalidArgument("could not decode token: illegal base64 data");
  }
  if (std::count(decoded->begin(), decoded->end(), ':') != 1) {
    return ukc::Status::InvalidArgument("invalid token format");
  }
  size_t colon = decoded->find(':');
  out->token = token;
  out->account = decoded->substr(0, colon);
  out->creds.user = ukc::auth::UserFromAccount(out->account);
  out->creds.secret = decoded->substr(colon + 1);
  return ukc::Status::Ok();
}

std::string ConfigFilePath(const EnvLookup& env) {
  std::string dir = env("KRAFTKIT_CONFIG_DIR");
  if (dir.empty() && !env("XDG_CONFIG_HOME").empty()) dir = env("XDG_CONFIG_HOME") + "/kraftkit";
  if (dir.empty()) dir = env("HOME") + "/.config/kraftkit";
  return dir + "/config.yaml";
}

ukc::Status ResolveToken(const std::string& flag, const EnvLookup& env, CloudAuth* out) {
  std::string token = FromFlagOrEnv(flag, env, "TOKEN");
  if (token.empty()) {
    if (auto from_file = TokenFromConfigFile(ConfigFilePath(env))) token = *from_file;
  }
  if (token.empty()) {
    return ukc::Status::Unauthenticated(
        "could not determine unikraft cloud user token: try setting `UKC_TOKEN`");
  }
  return ParseToken(token, out);
}

std::string MetroValue(const std::string& flag, const EnvLookup& env) {
  return FromFlagOrEnv(flag, env, "METRO");
}

ukc::Status ResolveMetro(const std::string& flag, const EnvLookup& env, std::string* base_url) {
  std::string metro = MetroValue(flag, env);
  if (metro.empty()) {
    return ukc::Status::InvalidArgument(
        "unikraft cloud metro is unset, try setting `UKC_METRO`, or use the `--metro` flag");
  }
  if (metro.find("://") != std::string::npos) {
    *base_url = metro;
  } else {
    *base_url = "https://api." + metro + ".kraft.cloud/v1";
  }
  return ukc::Status::Ok();
}

}  // namespace kraft
