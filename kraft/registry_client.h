// Image removal through the OCI registry, as `kraft cloud img remove` does (kraft-cli.md §2.7):
// a tag is resolved to its manifest digest (HEAD /v2/<repo>/manifests/<tag>) and the manifest is
// deleted by digest (DELETE /v2/<repo>/manifests/<digest>), with the token's Basic credentials.
// The registry is `--registry` / $UKC_REGISTRY (default index.unikraft.io): a value with "://" is
// used as is; loopback hosts are plain HTTP, others HTTPS.
#pragma once

#include <string>
#include <vector>

#include "auth/token.h"
#include "base/status.h"

namespace kraft {

// "http://127.0.0.1:7000" for "127.0.0.1:7000", "https://index.unikraft.io" for that host.
std::string RegistryOrigin(const std::string& registry);

class RegistryClient {
 public:
  // `account` is the Basic user (robot$<user>.users.kraftcloud), `secret` the token's secret.
  RegistryClient(const std::string& registry, std::string account, std::string secret);
  // The manifest digest a tag names; NotFound when the tag does not exist.
  ukc::Status ResolveTag(const std::string& repo, const std::string& tag, std::string* digest);
  // The tags of a repository (empty when it does not exist).
  ukc::Status ListTags(const std::string& repo, std::vector<std::string>* tags);
  // Deletes a manifest by digest; NotFound when it does not exist.
  ukc::Status DeleteManifest(const std::string& repo, const std::string& digest);

 private:
  std::string origin_;
  std::string account_;
  std::string secret_;
};

}  // namespace kraft
