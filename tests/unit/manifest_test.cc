#include "oci/manifest.h"

#include <doctest/doctest.h>

#include "oci/media_types.h"

using namespace ukc::oci;

namespace {
const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');
}  // namespace

TEST_CASE("an OCI image manifest yields its config and layers") {
  std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      kDigestA +
      R"(","size":2,"platform":{"os":"kraftcloud"}},
    "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
      kDigestB +
      R"(","size":10,"annotations":{"org.unikraft.kernel.image":"/unikraft/bin/kernel"}}]})";
  ParsedManifest m;
  REQUIRE(ParseManifest(body, kMediaTypeOciManifest, &m).ok());
  CHECK_FALSE(m.is_index);
  REQUIRE(m.blobs.size() == 2);
  CHECK(m.blobs[1].digest.ToString() == kDigestB);
  CHECK(m.artifact_type == kMediaTypeOciConfig);
}

TEST_CASE("an index yields its children and a subject is recognised") {
  std::string body = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
    "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                     kDigestA + R"(","size":32}],
    "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                     kDigestB + R"(","size":5}})";
  ParsedManifest m;
  REQUIRE(ParseManifest(body, "", &m).ok());
  CHECK(m.is_index);
  CHECK(m.manifests.size() == 1);
  REQUIRE(m.subject);
  CHECK(m.subject->ToString() == kDigestB);
}

TEST_CASE("malformed manifests are refused") {
  ParsedManifest m;
  CHECK_FALSE(ParseManifest("{not json", "", &m).ok());
  CHECK_FALSE(ParseManifest(R"({"schemaVersion":1})", "", &m).ok());
  CHECK_FALSE(ParseManifest(R"({"schemaVersion":2,"mediaType":"application/x-unknown",
      "config":{"digest":")" + kDigestA +
                                R"("}})",
                            "", &m)
                  .ok());
  // A Content-Type that is no manifest type at all.
  CHECK_FALSE(ParseManifest(R"({"schemaVersion":2,"config":{"digest":")" + kDigestA + R"("}})",
                            "application/vnd.example.unknown+json", &m)
                  .ok());
  // Content-Type contradicting the body's mediaType.
  CHECK_FALSE(
      ParseManifest(
          R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})",
          kMediaTypeOciManifest, &m)
          .ok());
  CHECK_FALSE(ParseManifest(R"({"schemaVersion":2,"config":{"digest":"sha256:zz"}})", "", &m).ok());
}
