// Service proxy TLS side over real sockets: SNI-selected certificates verified against the local
// CA (OpenSSL client and curl --cacert), unknown SNI refused, TLS garbage survived, TLS in front
// of a raw TCP service; and the CA itself (persisted, reloaded, leaf contents).
#include <doctest/doctest.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>

#include "proxy_test_util.h"

namespace ukc::proxy::testing {
namespace {

const std::string kHost = "secure.local.localhost";
const api::ServicePort kHttps{443, 8080, {"http", "tls"}};

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

TEST_CASE("proxy: TLS with SNI, certificate verified against the local CA") {
  TestBackend backend("tls-b");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kHost, {kHttps}, {backend.port()}));
  std::string error;
  auto c = Client::Tls(f.proxy->tls_port(), kHost, f.ca_pem(), &error);
  REQUIRE_MESSAGE(c, error);
  for (int i = 0; i < 2; i++) {
    c->Write("GET /s HTTP/1.1\r\nHost: " + kHost + "\r\n\r\n");
    auto r = c->ReadResponse();
    CHECK(r.status == 200);
    CHECK(r.body.find("proto=https") != std::string::npos);
  }
  // Without SNI: the default certificate (verified for the chain only), routed by Host.
  auto no_sni = Client::Tls(f.proxy->tls_port(), "", f.ca_pem(), &error);
  REQUIRE_MESSAGE(no_sni, error);
  no_sni->Write("GET /no-sni HTTP/1.1\r\nHost: " + kHost + "\r\n\r\n");
  CHECK(no_sni->ReadResponse().body.find("path=/no-sni;") != std::string::npos);
  // Unknown names fail the handshake; a name on another port does too.
  CHECK_FALSE(Client::Tls(f.proxy->tls_port(), "other.local.localhost", f.ca_pem()));

  if (system("command -v curl >/dev/null 2>&1") == 0) {
    std::string port = std::to_string(f.proxy->tls_port());
    std::string out =
        RunCommand("curl -sS --max-time 5 --cacert " + f.ca_pem() + " --resolve " + kHost + ":" +
                   port + ":127.0.0.1 https://" + kHost + ":" + port + "/curl 2>&1");
    CHECK(out.find("name=tls-b;path=/curl") != std::string::npos);
  }
}

TEST_CASE("proxy: TLS garbage and half handshakes do not hurt other clients") {
  TestBackend backend("tls-b");
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kHost, {kHttps}, {backend.port()}));
  auto junk = Client::Plain(f.proxy->tls_port());
  junk->Write(std::string("\x16\x03\x01\xff\xffgarbage-garbage-garbage", 28));  // too long
  CHECK(junk->ClosedByPeer());
  auto plain_http = Client::Plain(f.proxy->tls_port());
  plain_http->Write("GET / HTTP/1.1\r\nHost: " + kHost + "\r\n\r\n");
  CHECK(plain_http->ClosedByPeer());
  auto silent = Client::Plain(f.proxy->tls_port());  // stays silent while others are served
  auto c = Client::Tls(f.proxy->tls_port(), kHost, f.ca_pem());
  REQUIRE(c);
  c->Write("GET / HTTP/1.1\r\nHost: " + kHost + "\r\n\r\n");
  CHECK(c->ReadResponse().status == 200);
  CHECK(Get(f.proxy->http_port(), "x").status == 404);  // the HTTP side still serves too
}

TEST_CASE("proxy: TLS in front of a raw TCP service port") {
  TestBackend echo("echo", /*raw=*/true);
  ProxyFixture f;
  f.table.Put(MakeRoute("g1", kHost, {{5, 8080, {"tls"}}}, {echo.port()}));
  int port = f.proxy->ListenPortFor(5);
  REQUIRE(port > 0);
  auto c = Client::Tls(port, kHost, f.ca_pem());
  REQUIRE(c);
  c->Write("over tls");
  CHECK(c->ReadSome() == "echo:over tls");
}

TEST_CASE("proxy: the CA persists, reloads and issues server certificates") {
  ProxyFixture f;
  struct stat st;
  REQUIRE(stat((f.dir / "ca" / "ca.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::shared_ptr<const LeafCertificate> leaf;
  REQUIRE(f.ca.Issue("svc.local.localhost", &leaf).ok());
  std::shared_ptr<const LeafCertificate> again;
  REQUIRE(f.ca.Issue("svc.local.localhost", &again).ok());
  CHECK(leaf == again);  // cached
  CHECK_FALSE(f.ca.Issue("bad name,DNS:evil", &again).ok());

  CertificateAuthority reloaded(f.dir / "ca");
  REQUIRE(reloaded.Open().ok());
  CHECK(X509_cmp(reloaded.ca_cert(), f.ca.ca_cert()) == 0);
  // The leaf verifies against the (reloaded) CA for its name and for server auth.
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, reloaded.ca_cert());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf->cert.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set1_host(param, "svc.local.localhost", 0);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  CHECK(X509_verify_cert(ctx) == 1);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
}

}  // namespace
}  // namespace ukc::proxy::testing
