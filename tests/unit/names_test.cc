#include "oci/names.h"

#include <doctest/doctest.h>

#include <string>

using ukc::oci::IsValidRepositoryName;
using ukc::oci::IsValidTag;

TEST_CASE("repository names follow the distribution grammar") {
  CHECK(IsValidRepositoryName("local/app"));
  CHECK(IsValidRepositoryName("official/python"));
  CHECK(IsValidRepositoryName("a/b-c/d__e/f.g/h--i"));
  CHECK_FALSE(IsValidRepositoryName(""));
  CHECK_FALSE(IsValidRepositoryName("local/../etc"));
  CHECK_FALSE(IsValidRepositoryName("../etc"));
  CHECK_FALSE(IsValidRepositoryName("/abs"));
  CHECK_FALSE(IsValidRepositoryName("local//x"));
  CHECK_FALSE(IsValidRepositoryName("Local/app"));
  CHECK_FALSE(IsValidRepositoryName("local/app/"));
  CHECK_FALSE(IsValidRepositoryName("a/b___c"));
  CHECK_FALSE(IsValidRepositoryName(std::string(256, 'a')));
}

TEST_CASE("tags follow the distribution grammar") {
  CHECK(IsValidTag("latest"));
  CHECK(IsValidTag("v1.2.3-rc_1"));
  CHECK(IsValidTag("_x"));
  CHECK_FALSE(IsValidTag(""));
  CHECK_FALSE(IsValidTag(".hidden"));
  CHECK_FALSE(IsValidTag("-x"));
  CHECK_FALSE(IsValidTag("a/b"));
  CHECK_FALSE(IsValidTag(std::string(129, 'a')));
}
