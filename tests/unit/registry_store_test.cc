#include "registry/registry_store.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "base/encoding.h"
#include "oci/media_types.h"
#include "store/data_dir.h"
#include "store/database.h"

namespace fs = std::filesystem;
using namespace ukc;

namespace {
struct TempStore {
  fs::path root = fs::temp_directory_path() / ("ukc-store-test-" + RandomHex(6));
  store::DataDir data_dir{root};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<registry::RegistryStore> registry;
  TempStore() {
    REQUIRE(data_dir.Create().ok());
    REQUIRE(store::Database::Open(data_dir.database().string(), &db).ok());
    registry = std::make_unique<registry::RegistryStore>(data_dir, db.get());
    REQUIRE(registry->Init().ok());
  }
  ~TempStore() { fs::remove_all(root); }
};

std::string ImageManifest(const oci::Digest& config, const oci::Digest& layer) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         config.ToString() +
         R"(","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
         layer.ToString() + R"(","size":5}]})";
}
}  // namespace

TEST_CASE("an upload with the wrong digest stores nothing") {
  TempStore t;
  std::shared_ptr<registry::UploadSession> session;
  REQUIRE(t.registry->uploads().Create("local/app", &session).ok());
  REQUIRE(session->Append("hello", 5).ok());
  Status s = t.registry->CommitUpload(*session, oci::Digest::Sha256Of("other"));
  CHECK(s.kind() == Status::Kind::kCorruption);
  uint64_t size = 0;
  CHECK_FALSE(t.registry->blobs().Stat(oci::Digest::Sha256Of("hello"), &size).ok());
  CHECK_FALSE(t.registry->metadata().LinkedBlob("local/app", oci::Digest::Sha256Of("other")));
}

TEST_CASE("manifests need their blobs, and deleting them collects garbage") {
  TempStore t;
  oci::Digest config, layer;
  REQUIRE(t.registry->PutBlob("local/app", "{}", &config).ok());
  oci::Digest manifest_digest;
  oci::ParsedManifest parsed;
  std::string missing_layer = ImageManifest(config, oci::Digest::Sha256Of("layer"));
  CHECK(t.registry
            ->PutManifest("local/app", missing_layer, oci::kMediaTypeOciManifest, "v1",
                          &manifest_digest, &parsed)
            .kind() == Status::Kind::kNotFound);
  REQUIRE(t.registry->PutBlob("local/app", "layer", &layer).ok());
  std::string body = ImageManifest(config, layer);
  REQUIRE(t.registry
              ->PutManifest("local/app", body, oci::kMediaTypeOciManifest, "v1", &manifest_digest,
                            &parsed)
              .ok());
  auto tagged = t.registry->metadata().FindTag("local/app", "v1");
  REQUIRE(tagged);
  CHECK(tagged->digest == manifest_digest);
  std::string read;
  REQUIRE(t.registry->ReadManifest(*tagged, &read).ok());
  CHECK(read == body);

  // Deleting the manifest keeps its blobs (distribution's semantics) until garbage collection.
  REQUIRE(t.registry->Mount("local/app", "local/other", layer).ok());
  REQUIRE(t.registry->DeleteManifest("local/app", manifest_digest).ok());
  uint64_t size = 0;
  CHECK_FALSE(t.registry->metadata().FindTag("local/app", "v1"));
  CHECK_FALSE(t.registry->blobs().Stat(manifest_digest, &size).ok());
  CHECK(t.registry->blobs().Stat(config, &size).ok());
  REQUIRE(t.registry->CollectUnreferenced(std::chrono::seconds(3600)).ok());
  CHECK(t.registry->blobs().Stat(config, &size).ok());  // within the grace period

  // After the grace period every unreferenced link goes, and with the last link the content.
  REQUIRE(t.registry->CollectUnreferenced(std::chrono::seconds(-10)).ok());
  CHECK_FALSE(t.registry->blobs().Stat(config, &size).ok());
  CHECK_FALSE(t.registry->metadata().LinkedBlob("local/app", layer));
  CHECK_FALSE(t.registry->metadata().LinkedBlob("local/other", layer));
  CHECK_FALSE(t.registry->blobs().Stat(layer, &size).ok());
}

TEST_CASE("unreferenced content left by a crash is swept at start") {
  TempStore t;
  oci::Digest orphan = oci::Digest::Sha256Of("orphan");
  REQUIRE(t.registry->blobs().Put("orphan", orphan).ok());
  registry::RegistryStore reopened(t.data_dir, t.db.get());
  REQUIRE(reopened.Init().ok());
  uint64_t size = 0;
  CHECK_FALSE(reopened.blobs().Stat(orphan, &size).ok());
}
