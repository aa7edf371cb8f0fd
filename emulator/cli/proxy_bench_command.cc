// `ukc-emu proxy-bench --backend 127.0.0.1:PORT [--fqdn NAME]…` (hidden): runs the service proxy
// alone in the foreground with one static route — ports 80 [http] and 443 [http,tls] of the
// given FQDNs (plus 127.0.0.1 and localhost, so wrk can address it by IP) to one running backend
// — until SIGINT/SIGTERM. For bench/proxy.sh, which measures it against nginx.
#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "proxy/certificate_authority.h"
#include "proxy/io_threads.h"
#include "proxy/route_table.h"
#include "proxy/service_proxy.h"

namespace ukc::cli {
namespace {

struct BenchOptions {
  std::string backend;
  std::vector<std::string> fqdns;
  std::string http_address = "127.0.0.1:18082", tls_address = "127.0.0.1:18443";
  std::string ca_dir;
  int threads = proxy::DefaultIoThreads();
};

// Counts nothing and wakes nothing: the one backend always runs.
class NoEvents : public proxy::RouteEvents {
 public:
  void ConnectionOpened(const std::string&) override {}
  void ConnectionClosed(const std::string&) override {}
  void ExchangeStarted(const std::string&) override {}
  void ExchangeFinished(const std::string&) override {}
  void WakeAnother(const std::string&) override {}
  Status Wake(const std::string&, int, std::chrono::steady_clock::time_point,
              proxy::ServiceRoute*) override {
    return Status::Unavailable("nothing to wake");
  }
};

int RunProxyBench(const BenchOptions& options) {
  size_t colon = options.backend.rfind(':');
  int backend_port =
      colon == std::string::npos ? 0 : std::atoi(options.backend.c_str() + colon + 1);
  if (options.backend.substr(0, colon) != "127.0.0.1" || backend_port <= 0) {
    std::cerr << "proxy-bench: --backend must be 127.0.0.1:PORT\n";
    return 2;
  }
  std::string ca_dir = options.ca_dir;
  if (ca_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    ca_dir = std::string(tmp ? tmp : "/tmp") + "/ukc-proxy-bench-ca";
  }
  proxy::CertificateAuthority ca(ca_dir);
  if (Status s = ca.Open(); !s.ok()) {
    std::cerr << "proxy-bench: " << s.ToString() << "\n";
    return 1;
  }
  proxy::RouteTable routes;
  proxy::ServiceRoute route;
  route.group_uuid = "00000000-0000-4000-8000-00000000bench";
  route.group_name = "bench";
  route.fqdns = options.fqdns;
  route.fqdns.push_back("127.0.0.1");
  route.fqdns.push_back("localhost");
  route.ports = {{80, 8080, {"http"}}, {443, 8080, {"http", "tls"}}};
  route.backends = {{"bench-backend", {{8080, backend_port}}, true}};
  routes.Put(route);

  // Block the signals before the proxy's threads start, so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  NoEvents events;
  proxy::ServiceProxyOptions proxy_options;
  proxy_options.http_address = options.http_address;
  proxy_options.tls_address = options.tls_address;
  proxy_options.threads = options.threads;
  proxy::ServiceProxy proxy(&routes, &events, &ca, proxy_options);
  if (Status s = proxy.Start(); !s.ok()) {
    std::cerr << "proxy-bench: " << s.ToString() << "\n";
    return 1;
  }
  std::cout << "proxy-bench: http 127.0.0.1:" << proxy.http_port()
            << " tls 127.0.0.1:" << proxy.tls_port() << " threads " << options.threads << " ca "
            << ca.cert_path().string() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  proxy.Stop();
  return 0;
}

}  // namespace

void AddProxyBenchCommand(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<BenchOptions>();
  auto* bench = app.add_subcommand("proxy-bench", "run the service proxy alone (benchmarks)");
  bench->group("");  // hidden from --help
  bench->add_option("--backend", options->backend, "127.0.0.1:PORT of the HTTP backend")
      ->required();
  bench->add_option("--fqdn", options->fqdns, "service FQDN(s) routed to the backend");
  bench->add_option("--http-addr", options->http_address, "HTTP listen address")
      ->capture_default_str();
  bench->add_option("--tls-addr", options->tls_address, "TLS listen address")
      ->capture_default_str();
  bench->add_option("--ca-dir", options->ca_dir,
                    "CA directory (default $TMPDIR/ukc-proxy-bench-ca)");
  bench->add_option("--threads", options->threads, "io threads")->capture_default_str();
  bench->callback([options, exit_code] { *exit_code = RunProxyBench(*options); });
}

}  // namespace ukc::cli
