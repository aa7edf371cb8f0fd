// TlsContexts: SNI-driven certificate selection for the service proxy. See tls_contexts.h.
#include "proxy/tls_contexts.h"

#include "log.h"

namespace ukc::proxy {
namespace {

constexpr size_t kMaxCachedLeaves = 4096;

void ApplyServerOptions(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

bool UseCertificate(SSL_CTX* ctx, const LeafCertificate& leaf, X509* ca) {
  return SSL_CTX_use_certificate(ctx, leaf.cert.get()) == 1 &&
         SSL_CTX_use_PrivateKey(ctx, leaf.key.get()) == 1 && SSL_CTX_add1_chain_cert(ctx, ca) == 1;
}

std::string NormalizeName(const char* name) {
  std::string fqdn(name);
  while (!fqdn.empty() && fqdn.back() == '.') fqdn.pop_back();
  for (char& c : fqdn) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return fqdn;
}

}  // namespace

TlsContexts::TlsContexts(CertificateAuthority* ca, const RouteTable* routes)
    : ca_(ca), routes_(routes) {}

TlsContexts::~TlsContexts() {
  for (auto& [name, ctx] : leaves_) SSL_CTX_free(ctx);
}

Status TlsContexts::Init() { return ca_->Issue("localhost", &default_); }

Status TlsContexts::NewListenerContext(int port, std::unique_ptr<boost::asio::ssl::context>* out) {
  auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* raw = ctx->native_handle();
  ApplyServerOptions(raw);
  if (!default_ || !UseCertificate(raw, *default_, ca_->ca_cert())) {
    return Status::Internal("cannot set up the proxy's default TLS certificate");
  }
  std::lock_guard lock(mu_);
  selectors_.push_back(std::make_unique<PortSelector>(PortSelector{this, port}));
  SSL_CTX_set_tlsext_servername_callback(raw, &TlsContexts::OnServerName);
  SSL_CTX_set_tlsext_servername_arg(raw, selectors_.back().get());
  *out = std::move(ctx);
  return Status::Ok();
}

int TlsContexts::OnServerName(SSL* ssl, int* alert, void* arg) {
  auto* selector = static_cast<PortSelector*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr || *name == '\0') return SSL_TLSEXT_ERR_NOACK;  // default certificate
  std::string fqdn = NormalizeName(name);
  if (!selector->owner->routes_->Find(fqdn, selector->port)) {
    Log(LogLevel::kDebug, "proxy: TLS for unknown name " + fqdn);
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  SSL_CTX* leaf = selector->owner->LeafContext(fqdn);
  if (leaf == nullptr) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  SSL_set_SSL_CTX(ssl, leaf);
  SSL_CTX_free(leaf);  // the SSL holds its own reference now
  return SSL_TLSEXT_ERR_OK;
}

SSL_CTX* TlsContexts::LeafContext(const std::string& fqdn) {
  {
    std::lock_guard lock(mu_);
    if (auto it = leaves_.find(fqdn); it != leaves_.end()) {
      SSL_CTX_up_ref(it->second);
      return it->second;
    }
  }
  std::shared_ptr<const LeafCertificate> leaf;
  if (Status s = ca_->Issue(fqdn, &leaf); !s.ok()) {
    Log(LogLevel::kWarn, "proxy: certificate for " + fqdn + ": " + s.message());
    return nullptr;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return nullptr;
  ApplyServerOptions(ctx);
  if (!UseCertificate(ctx, *leaf, ca_->ca_cert())) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  std::lock_guard lock(mu_);
  if (auto it = leaves_.find(fqdn); it != leaves_.end()) {  // another thread was faster
    SSL_CTX_free(ctx);
    SSL_CTX_up_ref(it->second);
    return it->second;
  }
  if (leaves_.size() >= kMaxCachedLeaves) {
    SSL_CTX_free(leaves_.begin()->second);
    leaves_.erase(leaves_.begin());
  }
  leaves_[fqdn] = ctx;
  SSL_CTX_up_ref(ctx);
  return ctx;
}

}  // namespace ukc::proxy
