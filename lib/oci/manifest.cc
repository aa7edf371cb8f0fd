#include "oci/manifest.h"

#include <nlohmann/json.hpp>

#include "oci/media_types.h"

namespace ukc::oci {

using nlohmann::json;

bool IsManifestMediaType(std::string_view t) {
  return t == kMediaTypeOciManifest || t == kMediaTypeOciIndex || t == kMediaTypeDockerManifest ||
         t == kMediaTypeDockerManifestList;
}

bool IsNonDistributable(const Descriptor& d) {
  return d.has_urls || d.media_type.find("nondistributable") != std::string::npos ||
         d.media_type.find("foreign") != std::string::npos;
}

namespace {

std::string_view StripParameters(std::string_view content_type) {
  size_t semi = content_type.find(';');
  if (semi != std::string_view::npos) content_type = content_type.substr(0, semi);
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

Status ParseDescriptor(const json& j, const char* where, Descriptor* out) {
  if (!j.is_object()) return Status::InvalidArgument(std::string(where) + " is not an object");
  auto digest_it = j.find("digest");
  if (digest_it == j.end() || !digest_it->is_string()) {
    return Status::InvalidArgument(std::string(where) + " has no digest");
  }
  auto digest = Digest::Parse(digest_it->get<std::string>());
  if (!digest) return Status::InvalidArgument(std::string(where) + " has an invalid digest");
  out->digest = *digest;
  auto size_it = j.find("size");
  if (size_it != j.end()) {
    if (!size_it->is_number_integer() || size_it->get<int64_t>() < 0) {
      return Status::InvalidArgument(std::string(where) + " has an invalid size");
    }
    out->size = size_it->get<int64_t>();
  }
  auto type_it = j.find("mediaType");
  if (type_it != j.end()) {
    if (!type_it->is_string()) return Status::InvalidArgument(std::string(where) + " mediaType");
    out->media_type = type_it->get<std::string>();
  }
  auto urls = j.find("urls");
  out->has_urls = urls != j.end() && urls->is_array() && !urls->empty();
  return Status::Ok();
}

Status ParseDescriptorList(const json& doc, const char* key, std::vector<Descriptor>* out) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Status::InvalidArgument(std::string(key) + " is not an array");
  for (const auto& item : *it) {
    Descriptor d;
    Status s = ParseDescriptor(item, key, &d);
    if (!s.ok()) return s;
    out->push_back(std::move(d));
  }
  return Status::Ok();
}

}  // namespace

Status ParseManifest(std::string_view body, std::string_view content_type, ParsedManifest* out) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("manifest is not a JSON object");
  }
  auto version = doc.find("schemaVersion");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() != 2) {
    return Status::InvalidArgument("schemaVersion must be 2");
  }
  std::string body_type;
  if (auto it = doc.find("mediaType"); it != doc.end()) {
    if (!it->is_string()) return Status::InvalidArgument("mediaType is not a string");
    body_type = it->get<std::string>();
  }
  std::string header_type(StripParameters(content_type));
  if (header_type == "application/json") header_type.clear();  // generic: trust the body
  if (!header_type.empty() && !IsManifestMediaType(header_type)) {
    return Status::InvalidArgument("unsupported manifest media type " + header_type);
  }
  if (!header_type.empty() && !body_type.empty() && header_type != body_type) {
    return Status::InvalidArgument("Content-Type " + header_type + " does not match mediaType " +
                                   body_type);
  }
  out->media_type = !header_type.empty() ? header_type : body_type;
  if (out->media_type.empty()) {
    // An OCI manifest may omit mediaType; tell image manifests from indexes by their fields.
    out->media_type = doc.contains("manifests") ? kMediaTypeOciIndex : kMediaTypeOciManifest;
  }
  if (!IsManifestMediaType(out->media_type)) {
    return Status::InvalidArgument("unsupported manifest media type " + out->media_type);
  }
  out->is_index =
      out->media_type == kMediaTypeOciIndex || out->media_type == kMediaTypeDockerManifestList;
  Status s;
  if (out->is_index) {
    if (!doc.contains("manifests")) return Status::InvalidArgument("index has no manifests");
    s = ParseDescriptorList(doc, "manifests", &out->manifests);
  } else {
    auto config = doc.find("config");
    if (config == doc.end()) return Status::InvalidArgument("manifest has no config");
    Descriptor d;
    s = ParseDescriptor(*config, "config", &d);
    if (!s.ok()) return s;
    out->artifact_type = d.media_type;
    out->blobs.push_back(std::move(d));
    s = ParseDescriptorList(doc, "layers", &out->blobs);
  }
  if (!s.ok()) return s;
  if (auto it = doc.find("artifactType"); it != doc.end() && it->is_string()) {
    out->artifact_type = it->get<std::string>();
  }
  if (auto it = doc.find("subject"); it != doc.end() && !it->is_null()) {
    Descriptor d;
    s = ParseDescriptor(*it, "subject", &d);
    if (!s.ok()) return s;
    out->subject = d.digest;
  }
  if (auto it = doc.find("annotations"); it != doc.end() && it->is_object()) {
    out->annotations_json = it->dump();
  }
  return Status::Ok();
}

}  // namespace ukc::oci
