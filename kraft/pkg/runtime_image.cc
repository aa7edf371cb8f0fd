#include "pkg/runtime_image.h"

#include <nlohmann/json.hpp>

#include "pkg/package_name.h"

namespace kraft {
using nlohmann::json;
using ukc::Status;

namespace {

std::string PickPlatform(const json& index) {
  const json manifests = index.value("manifests", json::array());
  for (const char* os : {"kraftcloud", "qemu", "fc"}) {
    for (const auto& d : manifests) {
      const json platform = d.value("platform", json::object());
      std::string arch = platform.value("architecture", "");
      if (platform.value("os", "") == os && (arch == "x86_64" || arch == "amd64")) {
        return d.value("digest", "");
      }
    }
  }
  return manifests.empty() ? "" : manifests[0].value("digest", "");
}

std::vector<std::string> Strings(const json& object, const char* key) {
  std::vector<std::string> out;
  const json list = object.value(key, json::array());
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Status ReadLayers(const json& manifest, RuntimeImage* out) {
  for (const auto& l : manifest.value("layers", json::array())) {
    auto digest = ukc::oci::Digest::Parse(l.value("digest", ""));
    if (!digest) return Status::Corruption("runtime manifest has a layer without a digest");
    ukc::oci::LayerRef layer{l.value("mediaType", ""), *digest, l.value("size", uint64_t{0}), {}};
    const json annotations = l.value("annotations", json::object());  // outlives the loop
    for (const auto& [k, v] : annotations.items()) {
      if (v.is_string()) layer.annotations[k] = v.get<std::string>();
    }
    out->layers.push_back(std::move(layer));
  }
  const json annotations = manifest.value("annotations", json::object());
  out->kernel_version = annotations.value(ukc::oci::kAnnotationKernelVersion, "");
  return Status::Ok();
}

Status ReadConfig(RegistrySession* session, const json& manifest, RuntimeImage* out) {
  std::string digest = manifest.value("config", json::object()).value("digest", "");
  std::string body;
  if (Status s = session->GetBlob(out->repository, digest, &body); !s.ok()) return s;
  json config = json::parse(body, nullptr, false);
  if (!config.is_object()) return Status::Corruption("runtime config is not JSON");
  const json inner = config.value("config", json::object());
  if (!inner.is_object()) return Status::Ok();
  out->cmd = Strings(inner, "Cmd");
  out->env = Strings(inner, "Env");
  out->working_dir = inner.value("WorkingDir", "");
  const json labels = inner.value("Labels", json::object());  // outlives the loop
  for (const auto& [k, v] : labels.items()) {
    if (v.is_string()) out->labels[k] = v.get<std::string>();
  }
  return Status::Ok();
}

}  // namespace

Status FetchRuntimeImage(RegistrySession* session, const std::string& name, RuntimeImage* out) {
  *out = RuntimeImage{};
  ImageName parsed;
  if (Status s = ParseImageName(name, &parsed); !s.ok()) return s;
  out->repository = parsed.repository;
  out->reference = parsed.Reference();
  std::string body;
  Status s = session->GetManifest(out->repository, out->reference, &body, nullptr, nullptr);
  if (s.kind() == Status::Kind::kNotFound) {
    return Status::NotFound("runtime " + name + " not found in " + session->origin());
  }
  if (!s.ok()) return s;
  json manifest = json::parse(body, nullptr, false);
  if (!manifest.is_object()) return Status::Corruption("runtime " + name + ": bad manifest");
  if (manifest.contains("manifests")) {
    std::string child = PickPlatform(manifest);
    if (child.empty())
      return Status::NotFound("runtime " + name + " has no kraftcloud/x86_64 image");
    if (s = session->GetManifest(out->repository, child, &body, nullptr, nullptr); !s.ok()) {
      return s;
    }
    out->manifest_digest = child;
    manifest = json::parse(body, nullptr, false);
    if (!manifest.is_object()) return Status::Corruption("runtime " + name + ": bad manifest");
  } else {
    out->manifest_digest = ukc::oci::Digest::Sha256Of(body).ToString();
  }
  if (s = ReadLayers(manifest, out); !s.ok()) return s;
  return ReadConfig(session, manifest, out);
}

}  // namespace kraft
