// Token and metro resolution for `kraft cloud` (kraft-cli.md §9.1, ukc-api.md §1.3–1.4).
//
// Token: `--token` (whose default is $UKC_TOKEN, as kraftkit binds the flag to that env var), then
// UNIKRAFTCLOUD_TOKEN, KRAFTCLOUD_TOKEN, KC_TOKEN, UKC_TOKEN, then `auth["index.unikraft.io"]` in
// kraftkit's config.yaml, else the error "could not determine unikraft cloud user token: try
// setting `UKC_TOKEN`". Metro: the same with *_METRO and no config file; a metro containing "://"
// is the API base URL as is, otherwise https://api.<metro>.kraft.cloud/v1.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "auth/token.h"
#include "base/status.h"

namespace kraft {

// Returns the variable's value, or "" when unset. Injected so tests need not touch the process env.
using EnvLookup = std::function<std::string(std::string_view name)>;
EnvLookup ProcessEnv();

struct CloudAuth {
  std::string token;             // the Bearer value sent to the API
  ukc::auth::Credentials creds;  // decoded token (also the registry's Basic credentials)
  std::string account;           // robot$<user>.users.kraftcloud (the Basic user)
};

// `flag` is the --token value as typed ("" when absent).
ukc::Status ResolveToken(const std::string& flag, const EnvLookup& env, CloudAuth* out);
// The metro as given (flag, else the env variables in order), "" when unset; what kraft shows
// as `metro:` in the create summary.
std::string MetroValue(const std::string& flag, const EnvLookup& env);
// `flag` is the --metro value as typed. `*base_url` gets the API base URL (ends in /v1).
ukc::Status ResolveMetro(const std::string& flag, const EnvLookup& env, std::string* base_url);
// Checks a token's format: "could not decode token: …" / "invalid token format".
ukc::Status ParseToken(const std::string& token, CloudAuth* out);
// $KRAFTKIT_CONFIG_DIR, else $XDG_CONFIG_HOME/kraftkit, else $HOME/.config/kraftkit; + config.yaml.
std::string ConfigFilePath(const EnvLookup& env);

}  // namespace kraft
