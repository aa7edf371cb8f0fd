// Which deployer `kraft cloud deploy [CONTEXT] [ARGS…]` uses (kraft-cli.md §6.1):
//   - a first argument naming an existing directory is the workdir (else -w, else the cwd);
//   - `image-name`: the (next) first argument names an image the platform lists (remaining
//     arguments are app args); without arguments and without a build context, -i/--image names
//     that image (ukc-emu: deploy an image pushed before);
//   - `kraftfile-runtime`: a Kraftfile (found from the workdir, or -K) with a runtime (or
//     --runtime) and no `unikraft:`;
//   - `rootfs`: --rootfs, or a ./Dockerfile, without a Kraftfile runtime (runtime
//     official/base:latest unless --runtime).
// `--as` keeps only the named deployer. A Kraftfile that does not parse is an error as it is
// (file and line). No capable deployer: "could not determine how to run provided input: …";
// several: "multiple contexts discovered: …".
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

enum class Deployer { kImageName, kKraftfileRuntime, kRootfs };
const char* DeployerName(Deployer deployer);  // "image-name", "kraftfile-runtime", "rootfs"

struct DeployInput {
  std::vector<std::string> args;  // positionals: [CONTEXT] [IMAGE|APP ARGS…]
  std::string workdir;            // -w
  std::string kraftfile;          // -K
  std::string runtime;            // --runtime
  std::string rootfs;             // --rootfs
  std::string image;              // -i
  std::string as;                 // --as
};

struct DeployTarget {
  Deployer deployer = Deployer::kImageName;
  std::filesystem::path workdir;    // absolute
  std::string kraftfile_name;       // the Kraftfile's `name` ("" without a Kraftfile)
  std::filesystem::path kraftfile;  // its path ("" without one)
  std::string image;                // image-name: the image as given
  std::vector<std::string> args;    // app args
};

// True when the platform lists `image` (GET /images/list), injected for tests.
using ImageListed = std::function<bool(const std::string& image)>;

ukc::Status ChooseDeployer(const DeployInput& input, const ImageListed& listed, DeployTarget* out);

}  // namespace kraft
