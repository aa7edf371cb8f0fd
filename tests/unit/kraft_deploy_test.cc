// `kraft cloud deploy`'s pure parts: the pushed image's name (kraft-cli.md §5.5), the deployer
// choice (§6.1) over real directories, and the ukc-emu proxy URL hint.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cloud/deploy_name.h"
#include "cloud/deploy_target.h"
#include "cloud/local_proxy.h"

namespace fs = std::filesystem;

namespace {

std::string Name(const std::string& name, const std::string& registry = "127.0.0.1:7000") {
  kraft::DeployImageName out;
  ukc::Status s = kraft::DeployImageNameFor(name, "local", registry, &out);
  return s.ok() ? out.Tagged() : "error: " + s.message();
}

// A temporary project directory, removed at the end of the test.
struct Project {
  fs::path dir;
  explicit Project(const std::string& name) {
    dir = fs::temp_directory_path() / ("kraft-deploy-test-" + std::to_string(getpid())) / name;
    fs::create_directories(dir);
  }
  ~Project() { fs::remove_all(dir.parent_path()); }
  void Write(const std::string& file, const std::string& text) const {
    std::ofstream(dir / file) << text;
  }
};

struct Choice {
  std::string deployer, image, workdir, error;
  std::vector<std::string> args;
};

Choice Choose(kraft::DeployInput input, std::vector<std::string> listed = {}) {
  kraft::DeployTarget target;
  auto is_listed = [&](const std::string& image) {
    return std::find(listed.begin(), listed.end(), image) != listed.end();
  };
  ukc::Status s = kraft::ChooseDeployer(input, is_listed, &target);
  if (!s.ok()) return {"", "", "", s.message(), {}};
  return {kraft::DeployerName(target.deployer), target.image, target.workdir.string(), "",
          target.args};
}

}  // namespace

TEST_CASE("deploy image names: sanitised, namespaced, tagged") {
  CHECK(kraft::SanitizeImageName("http-python3.12") == "http-python312");
  CHECK(kraft::SanitizeImageName("My App_2") == "my-app_2");
  CHECK(kraft::SanitizeImageName("-.-") == "");
  CHECK(Name("http-python3.12") == "local/http-python312:latest");
  CHECK(Name("alice/app:v2") == "alice/app:v2");
  CHECK(Name("index.unikraft.io/local/app") == "local/app:latest");
  CHECK(Name("unikraft.io/local/app") == "local/app:latest");
  CHECK(Name("127.0.0.1:7000/local/web") == "local/web:latest");
  CHECK(Name("web", "http://127.0.0.1:7000/") == "local/web:latest");
  CHECK(Name("...").rfind("error: cannot derive an image name", 0) == 0);
}

TEST_CASE("deployer: a Kraftfile with a runtime, the directory argument as workdir") {
  Project p("http-python3.12");
  p.Write("Kraftfile", "spec: v0.6\nruntime: python:3.12\nrootfs: ./Dockerfile\n");
  p.Write("Dockerfile", "FROM scratch\n");
  Choice c = Choose({{p.dir.string(), "/usr/bin/python3", "/src/server.py"}});
  CHECK(c.error == "");
  CHECK(c.deployer == "kraftfile-runtime");
  CHECK(c.workdir == p.dir.string());
  CHECK(c.args == std::vector<std::string>{"/usr/bin/python3", "/src/server.py"});
}

TEST_CASE("deployer: a Dockerfile alone is the rootfs deployer; --as filters") {
  Project p("plain");
  p.Write("Dockerfile", "FROM scratch\n");
  CHECK(Choose({{p.dir.string()}}).deployer == "rootfs");
  CHECK(Choose({{}, p.dir.string()}).deployer == "rootfs");  // -w
  Choice c = Choose({{p.dir.string()}, "", "", "", "", "", "kraftfile-runtime"});
  CHECK(c.error.rfind("could not determine how to run provided input: kraftfile-runtime: no "
                      "Kraftfile in ",
                      0) == 0);
}

TEST_CASE("deployer: an image name, or -i naming an existing image without a project") {
  Project p("empty");
  Choice c = Choose({{p.dir.string(), "nginx:latest", "-c", "x"}}, {"nginx:latest"});
  CHECK(c.deployer == "image-name");
  CHECK(c.image == "nginx:latest");
  CHECK(c.args == std::vector<std::string>{"-c", "x"});
  c = Choose({{p.dir.string()}, "", "", "", "", "local/app:latest"}, {"local/app:latest"});
  CHECK(c.deployer == "image-name");
  CHECK(c.image == "local/app:latest");
  c = Choose({{p.dir.string(), "missing:1"}});
  CHECK(c.error.find("image-name: no image with name: missing:1") != std::string::npos);
}

TEST_CASE("deployer: a Kraftfile that does not parse is reported with its line") {
  Project p("bad");
  p.Write("Kraftfile", "spec: v0.6\nruntime: python:3.12\nrootfss: ./Dockerfile\n");
  Choice c = Choose({{p.dir.string()}});
  CHECK(c.error.find("Kraftfile:3") != std::string::npos);
  CHECK(c.error.find("rootfss") != std::string::npos);
}

TEST_CASE("ukc-emu proxy URL for .localhost domains only") {
  auto env = [](std::string_view) { return std::string(); };
  CHECK(kraft::LocalProxyUrl("young-night-5fpf0jj8.local.localhost", env) ==
        "https://young-night-5fpf0jj8.local.localhost:7443/");
  CHECK(kraft::LocalProxyUrl("x.local.localhost.", env) == "https://x.local.localhost:7443/");
  CHECK(kraft::LocalProxyUrl("young-night.fra.unikraft.app", env) == "");
  auto port = [](std::string_view n) {
    return std::string(n == "UKC_PROXY_HTTPS_PORT" ? "9443" : "");
  };
  CHECK(kraft::LocalProxyUrl("a.local.localhost", port) == "https://a.local.localhost:9443/");
}
