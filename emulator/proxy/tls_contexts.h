// TlsContexts: the proxy's TLS server contexts. A listener's context answers the SNI callback:
// the name must belong to a route publishing the listener's port (else the handshake fails with
// an unrecognized_name alert), and the connection switches to a per-FQDN context whose
// certificate the local CA issues on first use (cached). Clients without SNI get a default
// certificate (for "localhost") and are routed by their Host header. Thread-safe.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "proxy/certificate_authority.h"
#include "proxy/route_table.h"

namespace ukc::proxy {

class TlsContexts {
 public:
  TlsContexts(CertificateAuthority* ca, const RouteTable* routes);
  ~TlsContexts();
  TlsContexts(const TlsContexts&) = delete;
  TlsContexts& operator=(const TlsContexts&) = delete;

  Status Init();
  // A server context for a listener standing for published `port`.
  Status NewListenerContext(int port, std::unique_ptr<boost::asio::ssl::context>* out);

 private:
  struct PortSelector {
    TlsContexts* owner;
    int port;
  };
  static int OnServerName(SSL* ssl, int* alert, void* arg);
  // The context serving `fqdn`, with a reference for the caller to free (nullptr when the
  // certificate cannot be issued).
  SSL_CTX* LeafContext(const std::string& fqdn);

  CertificateAuthority* ca_;
  const RouteTable* routes_;
  std::shared_ptr<const LeafCertificate> default_;
  std::mutex mu_;
  std::map<std::string, SSL_CTX*> leaves_;  // owned (SSL_CTX_free)
  std::vector<std::unique_ptr<PortSelector>> selectors_;
};

}  // namespace ukc::proxy
