// The OCI artefact `kraft pkg` produces (kraft-cli.md §10.3–10.4, image-format.md §1.3–1.5,
// §2.4): the runtime manifest's layers adopted as listed (kernel + the runtime's initrd, by
// digest) + one appended app initrd layer; config os kraftcloud / x86_64, Cmd, Env, Labels,
// rootfs.diff_ids; the manifest annotated org.unikraft.image.name / org.unikraft.kernel.version
// (+ ref name, containerd name, kraftkit version); an index with one kraftcloud/x86_64 entry
// carrying the manifest's annotations and the index annotations ref.name, sh.kraftkit.version,
// io.containerd.image.name. kraftkit also writes org.opencontainers.image.created: left out, so
// that unchanged input gives the same digests and a second push uploads nothing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/image_layout.h"
#include "pkg/runtime_image.h"

namespace kraft {

inline constexpr char kKraftKitVersion[] = "0.9.2";  // the version kraft-cli.md describes

struct AppImageSpec {
  std::string context;                           // "index.unikraft.io/local/app"
  std::string full_name;                         // "index.unikraft.io/local/app:latest"
  std::optional<ukc::oci::LayerRef> app_initrd;  // the app's tar layer (none: runtime only)
  std::vector<std::string> cmd, env;
  std::map<std::string, std::string> labels;
};

struct AppImage {
  std::vector<ukc::oci::LayerRef> layers;
  std::string config, manifest, index;
  std::string config_digest, manifest_digest, index_digest;
  uint64_t size = 0;  // config + layers
};

AppImage BuildAppImage(const RuntimeImage& runtime, const AppImageSpec& spec);

}  // namespace kraft
