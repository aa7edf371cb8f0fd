#include "registry/image_reader.h"

#include <nlohmann/json.hpp>

#include "oci/media_types.h"

namespace ukc::registry {

using nlohmann::json;

namespace {

constexpr char kMediaKernel[] = "application/vnd.unikraft.kernel.v1";
constexpr char kMediaInitrd[] = "application/vnd.unikraft.initrd.v1";

// The child for kraftcloud, then qemu, then fc on x86_64; else the first child.
std::optional<oci::Digest> PickPlatform(const json& index) {
  const json manifests = index.value("manifests", json::array());
  for (const char* os : {"kraftcloud", "qemu", "fc"}) {
    for (const auto& d : manifests) {
      const json platform = d.value("platform", json::object());
      std::string arch = platform.value("architecture", "");
      if (platform.value("os", "") == os && (arch == "x86_64" || arch == "amd64")) {
        return oci::Digest::Parse(d.value("digest", ""));
      }
    }
  }
  if (manifests.empty()) return std::nullopt;
  return oci::Digest::Parse(manifests[0].value("digest", ""));
}

Status ReadManifest(RegistryStore* store, const std::string& repository,
                    const std::string& reference, oci::Digest* digest, json* out) {
  auto by_digest = oci::Digest::Parse(reference);
  auto record = by_digest ? store->metadata().FindManifest(repository, *by_digest)
                          : store->metadata().FindTag(repository, reference);
  std::string name = repository + (by_digest ? "@" : ":") + reference;
  std::string body;
  if (!record || !store->ReadManifest(*record, &body).ok()) {
    return Status::NotFound("image " + name + " not found");
  }
  *out = json::parse(body, nullptr, false);
  if (!out->is_object()) return Status::InvalidArgument("image " + name + ": manifest is not JSON");
  *digest = record->digest;
  return Status::Ok();
}

std::vector<std::string> Strings(const json& object, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : object.value(key, json::array())) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

void ReadConfig(RegistryStore* store, const json& manifest, ImageDescription* out) {
  auto digest = oci::Digest::Parse(manifest.value("config", json::object()).value("digest", ""));
  std::string body;
  if (!digest || !store->blobs().Read(*digest, &body).ok()) return;
  json config = json::parse(body, nullptr, false);
  if (!config.is_object()) return;
  const json inner = config.value("config", json::object());
  if (!inner.is_object()) return;
  std::vector<std::string> cmd = Strings(inner, "Cmd");
  auto separator = std::find(cmd.begin(), cmd.end(), "--");
  if (separator != cmd.end()) {
    out->kernel_args.assign(cmd.begin(), separator);
    out->args.assign(separator + 1, cmd.end());
  } else {
    out->args = std::move(cmd);
  }
  out->env = Strings(inner, "Env");
  if (inner.contains("WorkingDir") && inner["WorkingDir"].is_string()) {
    out->working_dir = inner["WorkingDir"].get<std::string>();
  }
  const json labels = inner.value("Labels", json::object());
  for (const auto& [key, value] : labels.items()) {
    if (value.is_string()) out->labels[key] = value.get<std::string>();
  }
}

}  // namespace

Status ReadImage(RegistryStore* store, const std::string& repository, const std::string& reference,
                 ImageDescription* out) {
  *out = ImageDescription{};
  json manifest;
  if (Status s = ReadManifest(store, repository, reference, &out->digest, &manifest); !s.ok()) {
    return s;
  }
  out->manifest_digest = out->digest;
  if (manifest.contains("manifests")) {
    auto child = PickPlatform(manifest);
    if (!child) return Status::InvalidArgument("image " + repository + " has an empty index");
    Status s = ReadManifest(store, repository, child->ToString(), &out->manifest_digest, &manifest);
    if (!s.ok()) return s;
  }
  if (!manifest.contains("layers")) {
    return Status::InvalidArgument("image " + repository + " is not an image manifest");
  }
  out->size_in_bytes = manifest.value("config", json::object()).value("size", int64_t{0});
  for (const auto& layer : manifest.value("layers", json::array())) {
    out->size_in_bytes += layer.value("size", int64_t{0});
    auto digest = oci::Digest::Parse(layer.value("digest", ""));
    if (!digest) continue;
    std::string type = layer.value("mediaType", "");
    const json annotations = layer.value("annotations", json::object());
    if (annotations.contains(oci::kAnnotationKernelPath) || type == kMediaKernel) {
      out->kernel = ImageLayer{*digest, type};
    } else if (annotations.contains(oci::kAnnotationInitrdPath) || type == kMediaInitrd) {
      out->initrds.push_back(ImageLayer{*digest, type});
    }
  }
  ReadConfig(store, manifest, out);
  return Status::Ok();
}

}  // namespace ukc::registry
