#include "oci/digest.h"

#include <openssl/evp.h>

#include "base/encoding.h"

namespace ukc::oci {

namespace {
bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}
}  // namespace

std::optional<Digest> Digest::Parse(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view algorithm = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  Digest d;
  if (algorithm == "sha256" && hex.size() == 64) {
    d.algorithm = DigestAlgorithm::kSha256;
  } else if (algorithm == "sha512" && hex.size() == 128) {
    d.algorithm = DigestAlgorithm::kSha512;
  } else {
    return std::nullopt;
  }
  if (!IsLowerHex(hex)) return std::nullopt;
  d.hex = std::string(hex);
  return d;
}

Digest Digest::Sha256Of(std::string_view bytes) {
  Hasher h;
  h.Update(bytes.data(), bytes.size());
  return h.Finish();
}

std::string_view Digest::AlgorithmName() const {
  return algorithm == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

std::string Digest::ToString() const { return std::string(AlgorithmName()) + ":" + hex; }

struct Hasher::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlgorithm algorithm)
    : algorithm_(algorithm), context_(std::make_unique<Context>()) {
  EVP_DigestInit_ex(context_->ctx,
                    algorithm == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512(), nullptr);
}

Hasher::~Hasher() = default;

void Hasher::Update(const void* data, size_t size) { EVP_DigestUpdate(context_->ctx, data, size); }

Digest Hasher::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->ctx, out, &length);
  Digest d;
  d.algorithm = algorithm_;
  d.hex = HexEncode(std::string_view(reinterpret_cast<char*>(out), length));
  return d;
}

}  // namespace ukc::oci
