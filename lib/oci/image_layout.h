// The JSON documents of a Unikraft image in kraftkit's layout (image-format.md §1.3–1.6): an OCI
// config (os/architecture, config.Cmd/Env/Labels, rootfs.diff_ids = layer digests, layers being
// uncompressed tars), an OCI image manifest and an OCI index with one platform entry. Shared by
// the runtime packer (emulator/runtime) and `kraft pkg` (kraft/pkg). Compact JSON with sorted
// keys and no timestamps: the same inputs give the same bytes and digests.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "oci/digest.h"

namespace ukc::oci {

inline constexpr char kKernelFilePath[] = "/unikraft/bin/kernel";  // annotation value
inline constexpr char kInitrdFilePath[] = "/unikraft/bin/initrd";
inline constexpr char kKernelTarEntry[] = "unikraft/bin/kernel";  // entry inside the layer tar
inline constexpr char kInitrdTarEntry[] = "unikraft/bin/initrd";

// Annotations kraftkit writes (oci/annotations.go, oci/index.go).
inline constexpr char kAnnotationRefName[] = "org.opencontainers.image.ref.name";
inline constexpr char kAnnotationImageName[] = "org.unikraft.image.name";
inline constexpr char kAnnotationKernelVersion[] = "org.unikraft.kernel.version";
inline constexpr char kAnnotationKraftKitVersion[] = "sh.kraftkit.version";
inline constexpr char kAnnotationContainerdName[] = "io.containerd.image.name";

inline constexpr char kPlatformOs[] = "kraftcloud";
inline constexpr char kPlatformArch[] = "x86_64";

using Annotations = std::map<std::string, std::string>;

struct LayerRef {
  std::string media_type;
  Digest digest;
  uint64_t size = 0;
  Annotations annotations;
};

// Tar layers marked as the kernel / the initrd.
LayerRef KernelLayer(const Digest& digest, uint64_t size);
LayerRef InitrdLayer(const Digest& digest, uint64_t size);
bool IsInitrdLayer(const LayerRef& layer);

struct ConfigFields {
  std::string os = kPlatformOs;
  std::string architecture = kPlatformArch;
  std::vector<std::string> cmd;  // omitted when empty, as are env and labels
  std::vector<std::string> env;
  Annotations labels;
};

std::string BuildConfigJson(const ConfigFields& fields, const std::vector<LayerRef>& layers);
// `annotations` omitted when empty.
std::string BuildManifestJson(const std::string& config_json, const std::vector<LayerRef>& layers,
                              const Annotations& annotations);
// One manifest entry with platform {architecture, os}; `descriptor_annotations` go on that entry,
// `index_annotations` on the index (each omitted when empty).
std::string BuildIndexJson(const std::string& manifest_json, const ConfigFields& platform,
                           const Annotations& descriptor_annotations,
                           const Annotations& index_annotations);

}  // namespace ukc::oci
