// Reads a stored unikernel image the way kraftkit lays it out: a tag or digest → (an index
// resolves to its kraftcloud/qemu/fc x86_64 manifest, else its first) → the kernel layer and
// the initrd layers in manifest order (by annotation, or the application/vnd.unikraft.{kernel,
// initrd}.v1 media types) and the config's Cmd/Env/WorkingDir/Labels. The one place both the VMM
// and the platform API use. An app packaged on a runtime (`kraft pkg`) has two initrd layers:
// the runtime's, then the app's; the VMM overlays them in that order (emulator/vmm/README.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "oci/digest.h"
#include "registry/registry_store.h"

namespace ukc::registry {

struct ImageLayer {
  oci::Digest digest;
  std::string media_type;
};

struct ImageDescription {
  oci::Digest digest;                    // what the reference points at (index or manifest)
  oci::Digest manifest_digest;           // the platform's image manifest
  int64_t size_in_bytes = 0;             // config + layers of that manifest
  std::optional<ImageLayer> kernel;      // the last kernel layer
  std::vector<ImageLayer> initrds;       // every initrd layer, in manifest order
  std::vector<std::string> kernel_args;  // Cmd before a "--" separator
  std::vector<std::string> args;         // Cmd after it (all of Cmd without one)
  std::vector<std::string> env;
  std::string working_dir;
  std::map<std::string, std::string> labels;
};

// `reference` is a tag or "sha256:…". NotFound: no such tag/manifest in `repository`;
// InvalidArgument: not an image manifest.
Status ReadImage(RegistryStore* store, const std::string& repository, const std::string& reference,
                 ImageDescription* out);

}  // namespace ukc::registry
