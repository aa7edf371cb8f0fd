// Reads a runtime (or any base image) from the registry without pulling its layers, as kraftkit
// does for `kraft pkg` (kraft-cli.md §6.2 step 2): tag → index → the kraftcloud (else qemu, fc)
// x86_64 manifest (a plain manifest is taken as is) → its layers and config.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "oci/image_layout.h"
#include "pkg/registry_session.h"

namespace kraft {

struct RuntimeImage {
  std::string repository;                  // "official/python"
  std::string reference;                   // "3.12" or "sha256:…"
  std::string manifest_digest;             // the platform manifest
  std::vector<ukc::oci::LayerRef> layers;  // as listed, annotations kept
  std::string kernel_version;              // manifest annotation org.unikraft.kernel.version
  std::vector<std::string> cmd, env;       // config.Cmd / Env
  std::string working_dir;
  std::map<std::string, std::string> labels;
};

// `name` is "official/python:3.12" (a host prefix is not expected here). NotFound:
// "runtime official/python:9.9 not found in <origin>".
ukc::Status FetchRuntimeImage(RegistrySession* session, const std::string& name, RuntimeImage* out);

}  // namespace kraft
