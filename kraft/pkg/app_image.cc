#include "pkg/app_image.h"

namespace kraft {
namespace oci = ukc::oci;

AppImage BuildAppImage(const RuntimeImage& runtime, const AppImageSpec& spec) {
  AppImage image;
  image.layers = runtime.layers;
  if (spec.app_initrd) image.layers.push_back(*spec.app_initrd);
  oci::ConfigFields fields;
  fields.cmd = spec.cmd;
  fields.env = spec.env;
  fields.labels = spec.labels;
  image.config = oci::BuildConfigJson(fields, image.layers);
  oci::Annotations annotations = {{oci::kAnnotationImageName, spec.context},
                                  {oci::kAnnotationRefName, spec.context},
                                  {oci::kAnnotationContainerdName, spec.full_name},
                                  {oci::kAnnotationKraftKitVersion, kKraftKitVersion}};
  if (!runtime.kernel_version.empty()) {
    annotations[oci::kAnnotationKernelVersion] = runtime.kernel_version;
  }
  image.manifest = oci::BuildManifestJson(image.config, image.layers, annotations);
  oci::Annotations index_annotations = {{oci::kAnnotationRefName, spec.context},
                                        {oci::kAnnotationKraftKitVersion, kKraftKitVersion},
                                        {oci::kAnnotationContainerdName, spec.full_name}};
  image.index = oci::BuildIndexJson(image.manifest, fields, annotations, index_annotations);
  image.config_digest = oci::Digest::Sha256Of(image.config).ToString();
  image.manifest_digest = oci::Digest::Sha256Of(image.manifest).ToString();
  image.index_digest = oci::Digest::Sha256Of(image.index).ToString();
  image.size = image.config.size();
  for (const oci::LayerRef& layer : image.layers) image.size += layer.size;
  return image;
}

}  // namespace kraft
