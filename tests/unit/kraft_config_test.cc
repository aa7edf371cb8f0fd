// kraft's token and metro resolution order (kraft-cli.md §9.1) with an injected environment.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "auth/token.h"
#include "config.h"

using kraft::CloudAuth;

namespace {

kraft::EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) {
    auto it = vars.find(std::string(name));
    return it == vars.end() ? std::string() : it->second;
  };
}

std::string Tok(const std::string& user) { return ukc::auth::EncodeToken({user, "s"}); }

std::string UserOf(const std::string& flag, std::map<std::string, std::string> vars) {
  CloudAuth auth;
  ukc::Status s = kraft::ResolveToken(flag, Env(std::move(vars)), &auth);
  return s.ok() ? auth.creds.user : "error: " + s.message();
}

}  // namespace

TEST_CASE("kraft token: flag, then its $UKC_TOKEN default, then the env prefixes in order") {
  std::map<std::string, std::string> all = {{"HOME", "/nonexistent"},
                                            {"UNIKRAFTCLOUD_TOKEN", Tok("unikraftcloud")},
                                            {"KRAFTCLOUD_TOKEN", Tok("kraftcloud")},
                                            {"KC_TOKEN", Tok("kc")},
                                            {"UKC_TOKEN", Tok("ukc")}};
  CHECK(UserOf(Tok("flag"), all) == "flag");
  CHECK(UserOf("", all) == "ukc");  // --token defaults to $UKC_TOKEN
  all.erase("UKC_TOKEN");
  CHECK(UserOf("", all) == "unikraftcloud");
  all.erase("UNIKRAFTCLOUD_TOKEN");
  CHECK(UserOf("", all) == "kraftcloud");
  all.erase("KRAFTCLOUD_TOKEN");
  CHECK(UserOf("", all) == "kc");
  all.erase("KC_TOKEN");
  CHECK(UserOf("", all) ==
        "error: could not determine unikraft cloud user token: try setting `UKC_TOKEN`");
}

TEST_CASE("kraft token: config.yaml auth[index.unikraft.io] is the last resort") {
  auto dir = std::filesystem::temp_directory_path() / "kraft_config_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.yaml") << "auth:\n  index.unikraft.io:\n"
                                        "    user: robot$filer.users.kraftcloud\n"
                                        "    token: sec\n    endpoint: index.unikraft.io\n";
  CHECK(UserOf("", {{"KRAFTKIT_CONFIG_DIR", dir.string()}}) == "filer");
  CHECK(UserOf("", {{"KRAFTKIT_CONFIG_DIR", dir.string()}, {"KC_TOKEN", Tok("kc")}}) == "kc");
  std::filesystem::remove_all(dir);
  CHECK(kraft::ConfigFilePath(Env({{"XDG_CONFIG_HOME", "/x"}})) == "/x/kraftkit/config.yaml");
  CHECK(kraft::ConfigFilePath(Env({{"HOME", "/h"}})) == "/h/.config/kraftkit/config.yaml");
}

TEST_CASE("kraft token format errors") {
  CloudAuth auth;
  CHECK(kraft::ParseToken("!!!", &auth).message().rfind("could not decode token: ", 0) == 0);
  CHECK(kraft::ParseToken("YTpiOmM=", &auth).message() == "invalid token format");  // "a:b:c"
  REQUIRE(kraft::ParseToken(Tok("alice"), &auth).ok());
  CHECK(auth.account == "robot$alice.users.kraftcloud");
  CHECK(auth.creds.secret == "s");
}

TEST_CASE("kraft metro: flag, $UKC_METRO default, prefixes; URLs verbatim") {
  std::string url;
  auto metro = [&](const std::string& flag, std::map<std::string, std::string> vars) {
    ukc::Status s = kraft::ResolveMetro(flag, Env(std::move(vars)), &url);
    return s.ok() ? url : "error: " + s.message();
  };
  CHECK(metro("fra0", {{"UKC_METRO", "dal0"}}) == "https://api.fra0.kraft.cloud/v1");
  CHECK(metro("", {{"UKC_METRO", "dal0"}, {"KC_METRO", "sin0"}}) ==
        "https://api.dal0.kraft.cloud/v1");
  CHECK(metro("", {{"KRAFTCLOUD_METRO", "was1"}, {"KC_METRO", "sin0"}}) ==
        "https://api.was1.kraft.cloud/v1");
  CHECK(metro("", {{"UNIKRAFTCLOUD_METRO", "http://127.0.0.1:1/v1"}, {"KC_METRO", "x"}}) ==
        "http://127.0.0.1:1/v1");
  CHECK(metro("", {}) ==
        "error: unikraft cloud metro is unset, try setting `UKC_METRO`, or use the `--metro` flag");
}
