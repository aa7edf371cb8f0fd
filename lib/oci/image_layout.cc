#include "oci/image_layout.h"

#include <nlohmann/json.hpp>

#include "oci/media_types.h"

namespace ukc::oci {

using nlohmann::json;

namespace {

json LayerJson(const LayerRef& layer) {
  json d = {
      {"mediaType", layer.media_type}, {"digest", layer.digest.ToString()}, {"size", layer.size}};
  if (!layer.annotations.empty()) d["annotations"] = layer.annotations;
  return d;
}

}  // namespace

LayerRef KernelLayer(const Digest& digest, uint64_t size) {
  return {kMediaTypeOciLayerTar, digest, size, {{kAnnotationKernelPath, kKernelFilePath}}};
}

LayerRef InitrdLayer(const Digest& digest, uint64_t size) {
  return {kMediaTypeOciLayerTar, digest, size, {{kAnnotationInitrdPath, kInitrdFilePath}}};
}

bool IsInitrdLayer(const LayerRef& layer) {
  return layer.annotations.contains(kAnnotationInitrdPath);
}

std::string BuildConfigJson(const ConfigFields& fields, const std::vector<LayerRef>& layers) {
  json config = json::object();
  if (!fields.cmd.empty()) config["Cmd"] = fields.cmd;
  if (!fields.env.empty()) config["Env"] = fields.env;
  if (!fields.labels.empty()) config["Labels"] = fields.labels;
  json diff_ids = json::array();
  for (const LayerRef& layer : layers) diff_ids.push_back(layer.digest.ToString());
  json doc = {{"architecture", fields.architecture},
              {"os", fields.os},
              {"config", config},
              {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  return doc.dump();
}

std::string BuildManifestJson(const std::string& config_json, const std::vector<LayerRef>& layers,
                              const Annotations& annotations) {
  json layer_list = json::array();
  for (const LayerRef& layer : layers) layer_list.push_back(LayerJson(layer));
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kMediaTypeOciManifest},
                   {"config",
                    {{"mediaType", kMediaTypeOciConfig},
                     {"digest", Digest::Sha256Of(config_json).ToString()},
                     {"size", config_json.size()}}},
                   {"layers", layer_list}};
  if (!annotations.empty()) manifest["annotations"] = annotations;
  return manifest.dump();
}

std::string BuildIndexJson(const std::string& manifest_json, const ConfigFields& platform,
                           const Annotations& descriptor_annotations,
                           const Annotations& index_annotations) {
  json entry = {{"mediaType", kMediaTypeOciManifest},
                {"digest", Digest::Sha256Of(manifest_json).ToString()},
                {"size", manifest_json.size()},
                {"platform", {{"architecture", platform.architecture}, {"os", platform.os}}}};
  if (!descriptor_annotations.empty()) entry["annotations"] = descriptor_annotations;
  json index = {
      {"schemaVersion", 2}, {"mediaType", kMediaTypeOciIndex}, {"manifests", json::array({entry})}};
  if (!index_annotations.empty()) index["annotations"] = index_annotations;
  return index.dump();
}

}  // namespace ukc::oci
