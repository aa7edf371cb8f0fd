// Content digests ("sha256:<64 hex>", "sha512:<128 hex>") and a streaming hasher over OpenSSL.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ukc::oci {

enum class DigestAlgorithm { kSha256, kSha512 };

struct Digest {
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string hex;  // lower-case, 64 or 128 characters

  // Parses "algorithm:hex"; nullopt unless the algorithm is supported and the hex well-formed.
  static std::optional<Digest> Parse(std::string_view text);
  static Digest Sha256Of(std::string_view bytes);
  std::string ToString() const;
  std::string_view AlgorithmName() const;
  bool operator==(const Digest& o) const { return algorithm == o.algorithm && hex == o.hex; }
  bool operator<(const Digest& o) const { return ToString() < o.ToString(); }
};

// Incremental hash; Update as data arrives, Finish once.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void Update(const void* data, size_t size);
  Digest Finish();

 private:
  DigestAlgorithm algorithm_;
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace ukc::oci
