// The OCI distribution calls `kraft pkg` makes (image-format.md §3.1–3.2), with the token's Basic
// credentials over plain HTTP for loopback hosts (registry_client.h's RegistryOrigin):
// manifests GET/PUT, blob HEAD/GET, cross-repository mount (POST ?mount=&from=), and uploads:
// blobs up to kMonolithicMax go as POST + one PUT with the body, bigger ones as POST + PATCH
// chunks of kChunkSize (Content-Range) + an empty PUT ?digest=.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace httplib {
class Client;
}

namespace kraft {

class RegistrySession {
 public:
  static constexpr uint64_t kMonolithicMax = 4 << 20;
  static constexpr uint64_t kChunkSize = 8 << 20;
  using BytesFn = std::function<void(uint64_t bytes_sent)>;  // cumulative, per blob

  // `registry` is host[:port] or a URL; empty `account` = no credentials.
  RegistrySession(const std::string& registry, std::string account, std::string secret);

  const std::string& origin() const { return origin_; }

  // `accept_index`: ask for indexes too. NotFound when absent.
  ukc::Status GetManifest(const std::string& repo, const std::string& reference, std::string* body,
                          std::string* media_type, std::string* digest);
  ukc::Status PutManifest(const std::string& repo, const std::string& reference,
                          const std::string& body, const std::string& media_type);
  // The digest a tag points at, "" when the tag does not exist.
  ukc::Status ManifestDigest(const std::string& repo, const std::string& reference,
                             std::string* digest);

  ukc::Status HasBlob(const std::string& repo, const std::string& digest, bool* exists);
  ukc::Status GetBlob(const std::string& repo, const std::string& digest, std::string* body);
  ukc::Status DownloadBlob(const std::string& repo, const std::string& digest,
                           const std::filesystem::path& out);
  // *mounted false when the registry started an upload instead (that session is cancelled).
  ukc::Status MountBlob(const std::string& repo, const std::string& digest, const std::string& from,
                        bool* mounted);
  ukc::Status UploadBlob(const std::string& repo, const std::string& digest,
                         const std::filesystem::path& file, const BytesFn& progress);
  ukc::Status UploadBytes(const std::string& repo, const std::string& digest,
                          const std::string& bytes);

 private:
  std::unique_ptr<httplib::Client> NewClient() const;
  std::string origin_, account_, secret_;
};

}  // namespace kraft
