// Pushes a stored package (image-format.md §3.2, kraftkit's flow through go-containerregistry):
// every layer and the config is HEAD-checked in the target repository first; missing app blobs
// are uploaded from the local store; missing runtime layers are mounted from the runtime's
// repository (POST ?mount=&from=; when the registry refuses, they are copied through a temp
// file); then the manifest is PUT by digest and the index at the tag (skipped when the tag
// already points at it). Progress reports "pushing" with bytes uploaded / bytes to upload.
#pragma once

#include <string>

#include "base/status.h"
#include "pkg/package_app.h"
#include "pkg/package_store.h"
#include "pkg/registry_session.h"

namespace kraft {

struct PushRequest {
  std::string repository;  // target "local/app"
  std::string tag;         // "latest"
  std::string index_digest;
  std::string runtime_repository;  // "official/python" ("" = nothing to mount from)
};

// Reads index → manifest → config/layers from `store`; fills the push statistics of `result`.
ukc::Status PushPackage(RegistrySession* session, const PackageStore& store,
                        const PushRequest& request, const PackageProgressFn& progress,
                        PackageResult* result);

}  // namespace kraft
