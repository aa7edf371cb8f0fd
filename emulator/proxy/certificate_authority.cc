// CertificateAuthority: CA creation/loading and on-demand leaf issuance with OpenSSL's EVP/X509
// APIs. See certificate_authority.h for the contract.
#include "proxy/certificate_authority.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <system_error>

#include "store/data_dir.h"

namespace ukc::proxy {
namespace {

constexpr long kCaDays = 3650;
constexpr long kLeafDays = 90;
constexpr long kBackdateSeconds = 3600;  // tolerate small clock differences

std::string OpenSslError(const std::string& what) {
  unsigned long code = ERR_get_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return what + ": " + text;
}

PkeyPtr NewP256Key() { return PkeyPtr(EVP_EC_gen("P-256")); }

bool SetRandomSerial(X509* x) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_new(), BN_free);
  if (!bn || !BN_rand(bn.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)) return false;
  return BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x)) != nullptr;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` named `common_name`, valid from an hour ago for `days`; the issuer is
// taken from `issuer` (nullptr: self-signed). Extensions are added by the caller before signing.
X509Ptr NewCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer, long days) {
  X509Ptr x(X509_new());
  if (!x || !X509_set_version(x.get(), 2) || !SetRandomSerial(x.get())) return nullptr;
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -kBackdateSeconds);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), days * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ukc-emu"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  if (!X509_set_pubkey(x.get(), key)) return nullptr;
  return x;
}

template <typename WriteFn>
std::string ToPem(WriteFn write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || !write(bio.get())) return "";
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

CertificateAuthority::CertificateAuthority(std::filesystem::path dir) : dir_(std::move(dir)) {}

Status CertificateAuthority::Open() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IoError("create " + dir_.string() + ": " + ec.message());
  ::chmod(dir_.c_str(), 0700);
  bool have_cert = std::filesystem::exists(dir_ / "ca.pem", ec);
  bool have_key = std::filesystem::exists(dir_ / "ca.key", ec);
  if (have_cert && have_key) return Load();
  return Create();  // none yet, or a creation that was cut short (the key is written first)
}

Status CertificateAuthority::Create() {
  PkeyPtr key = NewP256Key();
  if (!key) return Status::Internal(OpenSslError("generate CA key"));
  X509Ptr cert = NewCertificate(key.get(), "ukc-emu local CA", nullptr, kCaDays);
  if (!cert || !AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
      !X509_sign(cert.get(), key.get(), EVP_sha256())) {
    return Status::Internal(OpenSslError("create CA certificate"));
  }
  std::string key_pem = ToPem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  std::string cert_pem = ToPem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
  if (key_pem.empty() || cert_pem.empty()) return Status::Internal(OpenSslError("encode CA"));
  if (Status s = store::WriteFileAtomically(dir_ / "ca.key", key_pem); !s.ok()) return s;
  if (Status s = store::WriteFileAtomically(dir_ / "ca.pem", cert_pem); !s.ok()) return s;
  ::chmod((dir_ / "ca.pem").c_str(), 0644);
  ca_key_ = std::move(key);
  ca_cert_ = std::move(cert);
  return Status::Ok();
}

Status CertificateAuthority::Load() {
  std::string cert_pem, key_pem;
  if (Status s = store::ReadFile(dir_ / "ca.pem", &cert_pem); !s.ok()) return s;
  if (Status s = store::ReadFile(dir_ / "ca.key", &key_pem); !s.ok()) return s;
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) {
    return Status::Corruption(OpenSslError("read CA from " + dir_.string()));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Status::Corruption("CA key in " + dir_.string() + " does not match ca.pem");
  }
  ca_key_ = std::move(key);
  ca_cert_ = std::move(cert);
  return Status::Ok();
}

Status CertificateAuthority::Issue(const std::string& fqdn,
                                   std::shared_ptr<const LeafCertificate>* out) {
  if (!ca_key_) return Status::Internal("certificate authority not open");
  bool valid = !fqdn.empty() && fqdn.size() <= 253;
  for (char ch : fqdn) {
    valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                      ch == '-' || ch == '_');
  }
  if (!valid) return Status::InvalidArgument("bad host name '" + fqdn + "'");
  std::lock_guard lock(mu_);
  if (auto it = leaves_.find(fqdn); it != leaves_.end()) {
    *out = it->second;
    return Status::Ok();
  }
  auto leaf = std::make_shared<LeafCertificate>();
  leaf->fqdn = fqdn;
  leaf->key = NewP256Key();
  if (!leaf->key) return Status::Internal(OpenSslError("generate key"));
  std::string cn = fqdn.size() <= 64 ? fqdn : fqdn.substr(0, 64);
  leaf->cert = NewCertificate(leaf->key.get(), cn, ca_cert_.get(), kLeafDays);
  X509* c = leaf->cert.get();
  std::string san = "DNS:" + fqdn;
  if (fqdn == "localhost") san += ",IP:127.0.0.1,IP:::1";  // the default (no SNI) certificate
  if (!c || !AddExtension(c, ca_cert_.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(c, ca_cert_.get(), NID_key_usage, "critical,digitalSignature") ||
      !AddExtension(c, ca_cert_.get(), NID_ext_key_usage, "serverAuth") ||
      !AddExtension(c, ca_cert_.get(), NID_subject_alt_name, san.c_str()) ||
      !AddExtension(c, ca_cert_.get(), NID_authority_key_identifier, "keyid:always") ||
      !X509_sign(c, ca_key_.get(), EVP_sha256())) {
    return Status::Internal(OpenSslError("issue certificate for " + fqdn));
  }
  leaves_[fqdn] = leaf;
  *out = std::move(leaf);
  return Status::Ok();
}

}  // namespace ukc::proxy
