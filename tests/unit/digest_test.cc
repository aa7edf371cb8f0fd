#include "oci/digest.h"

#include <doctest/doctest.h>

using ukc::oci::Digest;

TEST_CASE("Digest parses sha256 and sha512 and rejects malformed text") {
  auto d = Digest::Parse("sha256:" + std::string(64, 'a'));
  REQUIRE(d);
  CHECK(d->ToString() == "sha256:" + std::string(64, 'a'));
  CHECK(Digest::Parse("sha512:" + std::string(128, '0')));
  CHECK_FALSE(Digest::Parse("sha256:" + std::string(63, 'a')));
  CHECK_FALSE(Digest::Parse("sha256:" + std::string(64, 'A')));
  CHECK_FALSE(Digest::Parse("md5:" + std::string(32, 'a')));
  CHECK_FALSE(Digest::Parse("sha256"));
  CHECK_FALSE(Digest::Parse("sha256:../../../etc/passwd"));
}

TEST_CASE("Digest of known content") {
  CHECK(Digest::Sha256Of("").ToString() ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ukc::oci::Hasher h;
  h.Update("hello ", 6);
  h.Update("world", 5);
  CHECK(h.Finish() == Digest::Sha256Of("hello world"));
}
