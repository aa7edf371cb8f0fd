#include "auth/token.h"

#include <doctest/doctest.h>

#include "base/encoding.h"

using namespace ukc::auth;

TEST_CASE("tokens use the real cloud's format and round-trip") {
  std::string token = EncodeToken({"alice", "s3cret"});
  CHECK(*ukc::Base64Decode(token) == "robot$alice.users.kraftcloud:s3cret");
  auto c = DecodeToken(token);
  REQUIRE(c);
  CHECK(c->user == "alice");
  CHECK(c->secret == "s3cret");
  CHECK_FALSE(DecodeToken("not-base64!"));
  CHECK_FALSE(DecodeToken(ukc::Base64Encode("nocolon")));
}

TEST_CASE("user names") {
  CHECK(IsValidUserName("local"));
  CHECK(IsValidUserName("bob-2"));
  CHECK_FALSE(IsValidUserName("official"));
  CHECK_FALSE(IsValidUserName("Bob"));
  CHECK_FALSE(IsValidUserName("-x"));
  CHECK_FALSE(IsValidUserName("a/b"));
  CHECK(UserFromAccount("robot$bob.users.kraftcloud") == "bob");
  CHECK(UserFromAccount("bob") == "bob");
}
