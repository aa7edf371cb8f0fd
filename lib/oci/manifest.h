// Parsing of pushed manifests (OCI image manifest and index, Docker schema2 manifest and list).
// Only what the registry must check or index is extracted; the bytes themselves are kept verbatim.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "oci/digest.h"

namespace ukc::oci {

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  bool has_urls = false;  // foreign layers may live elsewhere
};

struct ParsedManifest {
  std::string media_type;             // effective media type
  bool is_index = false;              // index / manifest list
  std::vector<Descriptor> blobs;      // config + layers (image manifests)
  std::vector<Descriptor> manifests;  // children (indexes)
  std::optional<Digest> subject;
  std::string artifact_type;     // artifactType, else config media type (image manifests)
  std::string annotations_json;  // "annotations" object as JSON, empty when absent
};

// True for the four manifest media types the registry stores.
bool IsManifestMediaType(std::string_view media_type);

// Parses `body`. `content_type` is the request's Content-Type (may be empty). Fails with
// InvalidArgument when the JSON is malformed, the media type is unknown or contradicts the body,
// or a descriptor is malformed.
Status ParseManifest(std::string_view body, std::string_view content_type, ParsedManifest* out);

// Whether a layer descriptor may legitimately be absent from the registry
// (foreign/nondistributable).
bool IsNonDistributable(const Descriptor& d);

}  // namespace ukc::oci
