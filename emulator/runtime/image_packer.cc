#include "runtime/image_packer.h"

#include "archive/tar_writer.h"
#include "oci/image_layout.h"

namespace ukc::runtime {

namespace fs = std::filesystem;

void BuildImageDocuments(const ImageSpec& spec, PackedImage* image) {
  std::vector<oci::LayerRef> layers = {
      oci::KernelLayer(image->kernel_layer.digest, image->kernel_layer.size),
      oci::InitrdLayer(image->initrd_layer.digest, image->initrd_layer.size)};
  oci::ConfigFields fields;
  fields.cmd = spec.cmd;
  fields.env = spec.env;
  fields.labels = spec.labels;
  image->config = oci::BuildConfigJson(fields, layers);
  oci::Annotations annotations = {{oci::kAnnotationRefName, spec.repository}};
  if (!spec.kernel_version.empty()) {
    annotations[oci::kAnnotationKernelVersion] = spec.kernel_version;
  }
  image->manifest = oci::BuildManifestJson(image->config, layers, annotations);
  image->index = oci::BuildIndexJson(image->manifest, fields, {}, {});
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
  for (const Job& job :
       {Job{spec.kernel, oci::kKernelTarEntry, "kernel.tar", &image->kernel_layer},
        Job{spec.initrd, oci::kInitrdTarEntry, "initrd.tar", &image->initrd_layer}}) {
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
