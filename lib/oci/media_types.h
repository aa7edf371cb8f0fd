// Media types of OCI and Docker manifests, configs and layers, and the Unikraft annotations.
#pragma once

namespace ukc::oci {

inline constexpr char kMediaTypeOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kMediaTypeOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kMediaTypeOciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kMediaTypeOciLayerTar[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr char kMediaTypeOciEmpty[] = "application/vnd.oci.empty.v1+json";
inline constexpr char kMediaTypeDockerManifest[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kMediaTypeDockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";

inline constexpr char kAnnotationKernelPath[] = "org.unikraft.kernel.image";
inline constexpr char kAnnotationInitrdPath[] = "org.unikraft.kernel.initrd";

}  // namespace ukc::oci
