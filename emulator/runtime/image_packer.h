// Packs a kernel and an initrd into a Unikraft-style OCI image (shared/reference/image-format.md
// §1): two uncompressed single-file tar layers (unikraft/bin/kernel, unikraft/bin/initrd) marked
// by the org.unikraft.kernel.image / org.unikraft.kernel.initrd descriptor annotations, an OCI
// config (architecture x86_64, os kraftcloud, config.Cmd/Env/Labels, rootfs.diff_ids), an OCI
// image manifest and an OCI index with one entry for platform kraftcloud/x86_64.
// Deterministic: no timestamps anywhere, so the same inputs give the same digests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "oci/digest.h"

namespace ukc::runtime {

// Labels written into every runtime image's config (see emulator/runtime/README.md).
inline constexpr char kLabelRuntimeName[] = "org.unikraft.runtime.name";  // "python:3.12"
inline constexpr char kLabelRuntimeContents[] =
    "org.unikraft.runtime.contents";                                          // "CPython 3.11.2"
inline constexpr char kLabelRuntimeKernel[] = "org.unikraft.runtime.kernel";  // "Linux 6.1.0-…"
inline constexpr char kLabelDescription[] = "org.opencontainers.image.description";

struct ImageSpec {
  std::filesystem::path kernel;  // uncompressed vmlinux (PVH ELF)
  std::filesystem::path initrd;  // newc cpio
  std::string repository;        // "official/python", for the ref.name annotation
  std::string kernel_version;    // annotation org.unikraft.kernel.version
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
};

struct LayerBlob {
  std::filesystem::path file;  // the tar
  oci::Digest digest;
  uint64_t size = 0;
};

struct PackedImage {
  LayerBlob kernel_layer;
  LayerBlob initrd_layer;
  std::string config;    // JSON bytes
  std::string manifest;  // JSON bytes
  std::string index;     // JSON bytes
  oci::Digest index_digest;
  uint64_t layers_size() const { return kernel_layer.size + initrd_layer.size; }
};

// Writes kernel.tar and initrd.tar into `out_dir` and builds the JSON documents.
Status PackImage(const ImageSpec& spec, const std::filesystem::path& out_dir, PackedImage* image);
// Builds config, manifest and index from already packed layers (fills the JSON fields).
void BuildImageDocuments(const ImageSpec& spec, PackedImage* image);

}  // namespace ukc::runtime
