#include "runtime/image_packer.h"

#include <nlohmann/json.hpp>

#include "archive/tar_writer.h"
#include "oci/media_types.h"

namespace ukc::runtime {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr char kKernelEntry[] = "unikraft/bin/kernel";
constexpr char kInitrdEntry[] = "unikraft/bin/initrd";
constexpr char kAnnotationKernelVersion[] = "org.unikraft.kernel.version";

json LayerDescriptor(const LayerBlob& layer, const char* annotation, const char* entry) {
  return {{"mediaType", oci::kMediaTypeOciLayerTar},
          {"digest", layer.digest.ToString()},
          {"size", layer.size},
          {"annotations", {{annotation, std::string("/") + entry}}}};
}

json Platform() { return {{"architecture", "x86_64"}, {"os", "kraftcloud"}}; }

std::string BuildConfig(const ImageSpec& spec, const PackedImage& image) {
  json config = json::object();
  if (!spec.cmd.empty()) config["Cmd"] = spec.cmd;
  if (!spec.env.empty()) config["Env"] = spec.env;
  if (!spec.labels.empty()) config["Labels"] = spec.labels;
  json doc = {{"architecture", "x86_64"},
              {"os", "kraftcloud"},
              {"config", config},
              {"rootfs",
               {{"type", "layers"},
                {"diff_ids",
                 {image.kernel_layer.digest.ToString(), image.initrd_layer.digest.ToString()}}}}};
  return doc.dump();
}

}  // namespace

void BuildImageDocuments(const ImageSpec& spec, PackedImage* image) {
  image->config = BuildConfig(spec, *image);
  json annotations = {{"org.opencontainers.image.ref.name", spec.repository}};
  if (!spec.kernel_version.empty()) {
    annotations[kAnnotationKernelVersion] = spec.kernel_version;
  }
  json manifest = {
      {"schemaVersion", 2},
      {"mediaType", oci::kMediaTypeOciManifest},
      {"config",
       {{"mediaType", oci::kMediaTypeOciConfig},
        {"digest", oci::Digest::Sha256Of(image->config).ToString()},
        {"size", image->config.size()}}},
      {"layers",
       {LayerDescriptor(image->kernel_layer, oci::kAnnotationKernelPath, kKernelEntry),
        LayerDescriptor(image->initrd_layer, oci::kAnnotationInitrdPath, kInitrdEntry)}},
      {"annotations", annotations}};
  image->manifest = manifest.dump();
  json index = {{"schemaVersion", 2},
                {"mediaType", oci::kMediaTypeOciIndex},
                {"manifests",
                 {{{"mediaType", oci::kMediaTypeOciManifest},
                   {"digest", oci::Digest::Sha256Of(image->manifest).ToString()},
                   {"size", image->manifest.size()},
                   {"platform", Platform()}}}}};
  image->index = index.dump();
  image->index_digest = oci::Digest::Sha256Of(image->index);
}

Status PackImage(const ImageSpec& spec, const fs::path& out_dir, PackedImage* image) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Status::IoError("create " + out_dir.string() + ": " + ec.message());
  struct Job {
    const fs::path& input;
    const char* entry;
    const char* file;
    LayerBlob* layer;
  };
  for (const Job& job : {Job{spec.kernel, kKernelEntry, "kernel.tar", &image->kernel_layer},
                         Job{spec.initrd, kInitrdEntry, "initrd.tar", &image->initrd_layer}}) {
    archive::TarFileResult result;
    job.layer->file = out_dir / job.file;
    if (Status s = archive::WriteSingleFileTar(job.input, job.entry, job.layer->file, &result);
        !s.ok()) {
      return s;
    }
    job.layer->digest = result.digest;
    job.layer->size = result.size;
  }
  BuildImageDocuments(spec, image);
  return Status::Ok();
}

}  // namespace ukc::runtime
