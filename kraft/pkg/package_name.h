// Names of packaged images (kraft-cli.md §5.5, §6, §10.4) and of runtimes to read.
//   "app"                              → index.unikraft.io/<user>/app:latest
//   "alice/app:v2"                     → index.unikraft.io/alice/app:v2
//   "unikraft.io/alice/app"            → index.unikraft.io/alice/app:latest
//   "index.unikraft.io/alice/app"      → the same
//   "127.0.0.1:7000/alice/app@sha256:…" → host 127.0.0.1:7000, by digest
//   "oci://…" loses its scheme. A first segment is a host when it has '.' or ':' or is
//   "localhost". The host "index.unikraft.io" (or none) means "the configured registry"
//   ($UKC_REGISTRY / --registry): ukc-emu stands in for the cloud's registry.
#pragma once

#include <string>

#include "base/status.h"

namespace kraft {

inline constexpr char kCloudRegistryHost[] = "index.unikraft.io";

struct ImageName {
  std::string host;        // "" when the name had none
  std::string repository;  // "alice/app"
  std::string tag;         // "latest" unless a digest was given
  std::string digest;      // "sha256:…" or ""

  std::string Reference() const { return digest.empty() ? tag : digest; }
  // "index.unikraft.io/alice/app" (the host or index.unikraft.io, then the repository).
  std::string Context() const;
  // Context() + ":tag" or "@digest".
  std::string Full() const;
  // The registry to talk to: `host` unless it is empty or the cloud's, else `configured`.
  std::string RegistryFor(const std::string& configured) const;
};

// Splits any image name; InvalidArgument for an empty or malformed one.
ukc::Status ParseImageName(const std::string& name, ImageName* out);

// A package name: as ParseImageName, plus a repository without '/' goes into `user`'s namespace.
ukc::Status ParsePackageName(const std::string& name, const std::string& user, ImageName* out);

}  // namespace kraft
