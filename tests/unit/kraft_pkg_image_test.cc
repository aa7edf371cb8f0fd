// kraft/pkg: image names (kraft-cli.md §5.5) and the app image documents (§10.4).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "oci/media_types.h"
#include "pkg/app_image.h"
#include "pkg/package_name.h"

using namespace kraft;
using nlohmann::json;

TEST_CASE("package names get the user's namespace, the cloud host and a tag") {
  ImageName n;
  REQUIRE(ParsePackageName("app", "local", &n).ok());
  CHECK(n.repository == "local/app");
  CHECK(n.tag == "latest");
  CHECK(n.Full() == "index.unikraft.io/local/app:latest");
  CHECK(n.RegistryFor("127.0.0.1:7000") == "127.0.0.1:7000");
  REQUIRE(ParsePackageName("alice/app:v2", "local", &n).ok());
  CHECK(n.Full() == "index.unikraft.io/alice/app:v2");
  REQUIRE(ParsePackageName("unikraft.io/alice/app", "local", &n).ok());
  CHECK(n.host == "index.unikraft.io");
  CHECK(n.RegistryFor("127.0.0.1:7000") == "127.0.0.1:7000");
  REQUIRE(ParsePackageName("127.0.0.1:7001/alice/app", "local", &n).ok());
  CHECK(n.host == "127.0.0.1:7001");
  CHECK(n.RegistryFor("127.0.0.1:7000") == "127.0.0.1:7001");
  CHECK(n.Full() == "127.0.0.1:7001/alice/app:latest");
  REQUIRE(ParseImageName("oci://official/python:3.12", &n).ok());
  CHECK(n.repository == "official/python");
  CHECK(n.tag == "3.12");
  std::string digest = "sha256:" + std::string(64, 'a');
  REQUIRE(ParseImageName("official/python@" + digest, &n).ok());
  CHECK(n.Reference() == digest);
  CHECK_FALSE(ParsePackageName("", "local", &n).ok());
  CHECK_FALSE(ParsePackageName("Bad Name", "local", &n).ok());
  CHECK_FALSE(ParsePackageName("app", "", &n).ok());
}

TEST_CASE("the app image adopts the runtime layers and appends the app initrd") {
  using ukc::oci::Digest;
  RuntimeImage runtime;
  runtime.repository = "official/python";
  runtime.layers = {ukc::oci::KernelLayer(Digest::Sha256Of("k"), 10),
                    ukc::oci::InitrdLayer(Digest::Sha256Of("r"), 20)};
  runtime.kernel_version = "6.1";
  AppImageSpec spec{"index.unikraft.io/local/app",
                    "index.unikraft.io/local/app:latest",
                    ukc::oci::InitrdLayer(Digest::Sha256Of("a"), 30),
                    {"/usr/bin/python3", "/src/server.py"},
                    {"PATH=/bin"},
                    {{"x", "y"}}};
  AppImage image = BuildAppImage(runtime, spec);
  json index = json::parse(image.index);
  CHECK(index["mediaType"] == ukc::oci::kMediaTypeOciIndex);
  CHECK(index["annotations"]["org.opencontainers.image.ref.name"] == "index.unikraft.io/local/app");
  CHECK(index["annotations"]["io.containerd.image.name"] == "index.unikraft.io/local/app:latest");
  CHECK(index["annotations"].contains("sh.kraftkit.version"));
  CHECK(index["manifests"][0]["platform"] ==
        json{{"architecture", "x86_64"}, {"os", "kraftcloud"}});
  CHECK(index["manifests"][0]["digest"] == image.manifest_digest);
  json manifest = json::parse(image.manifest);
  CHECK(manifest["annotations"]["org.unikraft.image.name"] == "index.unikraft.io/local/app");
  CHECK(manifest["annotations"]["org.unikraft.kernel.version"] == "6.1");
  REQUIRE(manifest["layers"].size() == 3);
  CHECK(manifest["layers"][0]["digest"] == Digest::Sha256Of("k").ToString());
  CHECK(manifest["layers"][1]["annotations"]["org.unikraft.kernel.initrd"] ==
        "/unikraft/bin/initrd");
  CHECK(manifest["layers"][2]["digest"] == Digest::Sha256Of("a").ToString());
  CHECK(manifest["layers"][2]["annotations"]["org.unikraft.kernel.initrd"] ==
        "/unikraft/bin/initrd");
  CHECK(manifest["config"]["digest"] == image.config_digest);
  json config = json::parse(image.config);
  CHECK(config["os"] == "kraftcloud");
  CHECK(config["architecture"] == "x86_64");
  CHECK(config["config"]["Cmd"] == json{"/usr/bin/python3", "/src/server.py"});
  CHECK(config["config"]["Labels"]["x"] == "y");
  CHECK(config["rootfs"]["diff_ids"].size() == 3);
  CHECK(image.size == image.config.size() + 60);
  CHECK(BuildAppImage(runtime, spec).index_digest == image.index_digest);  // deterministic
}
