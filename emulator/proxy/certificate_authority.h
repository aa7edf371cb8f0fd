// CertificateAuthority: the emulator's local CA, which stands in for the platform's public
// certificates. Open() loads `<dir>/ca.pem` + `<dir>/ca.key` or, on first use, creates them
// (ECDSA P-256, 10 years; the key file is 0600; both written to a temp file and renamed). Issue()
// returns a leaf certificate for one FQDN (SAN dNSName, serverAuth EKU, ~90 days, its own P-256
// key; "localhost" also names 127.0.0.1 and ::1), signed by the CA and cached in memory.
// Thread-safe after Open().
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"

namespace ukc::proxy {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

struct LeafCertificate {
  std::string fqdn;
  X509Ptr cert;
  PkeyPtr key;
};

class CertificateAuthority {
 public:
  explicit CertificateAuthority(std::filesystem::path dir);

  // Loads the CA from the directory, creating it there when absent.
  Status Open();
  // The CA certificate (PEM) clients trust, e.g. `curl --cacert`.
  std::filesystem::path cert_path() const { return dir_ / "ca.pem"; }
  X509* ca_cert() const { return ca_cert_.get(); }
  // A certificate for `fqdn` (lower-case host name), issued on first request and then cached.
  Status Issue(const std::string& fqdn, std::shared_ptr<const LeafCertificate>* out);

 private:
  Status Create();
  Status Load();

  std::filesystem::path dir_;
  X509Ptr ca_cert_;
  PkeyPtr ca_key_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const LeafCertificate>> leaves_;
};

}  // namespace ukc::proxy
