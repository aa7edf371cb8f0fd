// ukc-emu: Unikraft Cloud in a box. `up` runs the daemon; `env` prints the exports a client
// needs; `ca` prints the local CA; `user add|list` manages users and their tokens.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "auth/token.h"
#include "cli/commands.h"
#include "daemon.h"
#include "log.h"
#include "proxy/certificate_authority.h"
#include "store/data_dir.h"
#include "store/database.h"
#include "store/user_store.h"

namespace {

using ukc::Status;

// The data dir's user table, opened for a short-lived command (safe beside a running daemon).
struct UserDatabase {
  ukc::store::DataDir data_dir{""};
  std::unique_ptr<ukc::store::Database> db;
  std::unique_ptr<ukc::store::UserStore> users;

  // Prints the error and returns false when the data dir or database cannot be opened.
  bool Open(const std::string& data_dir_flag) {
    data_dir = ukc::store::DataDir(data_dir_flag.empty() ? ukc::store::DataDir::DefaultRoot()
                                                         : std::filesystem::path(data_dir_flag));
    Status s = data_dir.Create();
    if (s.ok()) s = ukc::store::Database::Open(data_dir.database().string(), &db);
    if (s.ok()) {
      users = std::make_unique<ukc::store::UserStore>(db.get());
      s = users->Init();
    }
    if (!s.ok()) std::cerr << "ukc-emu: " << s.ToString() << "\n";
    return s.ok();
  }
};

int PrintEnv(const std::string& data_dir_flag, const std::string& user) {
  UserDatabase u;
  if (!u.Open(data_dir_flag)) return 1;
  auto credentials = u.users->Find(user);
  if (!credentials) {
    std::cerr << "ukc-emu: no user '" << user << "' (add one with `ukc-emu user add`)\n";
    return 1;
  }
  std::string registry = "127.0.0.1:7000", api = "127.0.0.1:7080";
  int proxy_tls_port = 7443;
  std::string text;
  if (ukc::store::ReadFile(u.data_dir.daemon_info(), &text).ok()) {
    auto info = nlohmann::json::parse(text, nullptr, false);
    if (info.is_object()) {
      registry = info.value("registry_addr", registry);
      api = info.value("api_addr", api);
      proxy_tls_port = info.value("proxy_tls_port", proxy_tls_port);
    }
  }
  std::cout << "export UKC_TOKEN=" << ukc::auth::EncodeToken(*credentials) << "\n"
            << "export UKC_METRO=http://" << api << "/v1\n"
            << "export UKC_REGISTRY=" << registry << "\n"
            << "export UKC_PROXY_HTTPS_PORT=" << proxy_tls_port << "\n";
  return 0;
}

// The CA the service proxy's certificates chain to (created here if the daemon has not yet).
int PrintCa(const std::string& data_dir_flag, bool path_only) {
  ukc::store::DataDir data_dir(data_dir_flag.empty() ? ukc::store::DataDir::DefaultRoot()
                                                     : std::filesystem::path(data_dir_flag));
  ukc::proxy::CertificateAuthority ca(data_dir.root() / "ca");
  if (Status s = data_dir.Create(); !s.ok() || !(s = ca.Open()).ok()) {
    std::cerr << "ukc-emu: " << s.ToString() << "\n";
    return 1;
  }
  std::string path = ca.cert_path().string();
  if (path_only) {
    std::cout << path << "\n";
    return 0;
  }
  std::cout << "CA certificate: " << path << "\n\n"
            << "The service proxy's https listener (127.0.0.1:7443, stands for 443) presents\n"
            << "certificates for <service>.<metro>.localhost signed by this CA. Trust it:\n"
            << "  curl:     curl --cacert " << path << " https://<fqdn>:7443/\n"
            << "  system:   sudo cp " << path
            << " /usr/local/share/ca-certificates/ukc-emu.crt && sudo update-ca-certificates\n"
            << "  Node.js:  NODE_EXTRA_CA_CERTS=" << path << "\n"
            << "  Python:   SSL_CERT_FILE=" << path << " (or REQUESTS_CA_BUNDLE for requests)\n"
            << "  browsers: import it as an authority (Firefox: Settings > Certificates)\n";
  return 0;
}

int AddUser(const std::string& data_dir_flag, const std::string& name) {
  UserDatabase u;
  if (!u.Open(data_dir_flag)) return 1;
  ukc::auth::Credentials credentials;
  if (Status s = u.users->Add(name, &credentials); !s.ok()) {
    std::cerr << "ukc-emu: " << s.message() << "\n";
    return 1;
  }
  std::cout << ukc::auth::EncodeToken(credentials) << "\n";
  return 0;
}

int ListUsers(const std::string& data_dir_flag) {
  UserDatabase u;
  if (!u.Open(data_dir_flag)) return 1;
  for (const auto& name : u.users->List()) std::cout << name << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"ukc-emu: Unikraft Cloud in a box (registry, platform API, service proxy, VMs)"};
  app.require_subcommand(1);
  std::string data_dir;
  app.add_option("--data-dir", data_dir, "data directory (default $XDG_DATA_HOME/ukc-emu)");

  ukc::DaemonOptions options;
  std::string log_level = "info";
  auto* up = app.add_subcommand("up", "run the emulator in the foreground");
  up->add_option("--data-dir", data_dir, "data directory (default $XDG_DATA_HOME/ukc-emu)");
  up->add_option("--registry-addr", options.registry_address, "registry listen address")
      ->capture_default_str();
  up->add_option("--api-addr", options.api_address, "platform API listen address")
      ->capture_default_str();
  int64_t gc_grace_seconds = options.gc_grace.count();
  up->add_option("--gc-grace", gc_grace_seconds,
                 "seconds before blobs no manifest references are garbage-collected")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  up->add_option("--quota-instances", options.limits.instances, "instances per account")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  up->add_option("--quota-live-memory-mb", options.limits.live_memory_mb,
                 "memory of the running instances per account, MiB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  up->add_option("--quota-live-vcpus", options.limits.live_vcpus,
                 "vCPUs of the running instances per account")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  up->add_option("--metro", options.metro,
                 "metro label of service FQDNs: <service>.<metro>.localhost")
      ->capture_default_str()
      ->check([](const std::string& v) {
        bool ok = !v.empty() && v.size() <= 63 && v.front() != '-' && v.back() != '-' &&
                  v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == v.npos;
        return ok ? std::string() : "a DNS label of [a-z0-9-]";
      });
  up->add_option("--proxy-http-addr", options.proxy_http_address,
                 "service proxy HTTP listen address (stands for port 80; port 0: any)")
      ->capture_default_str();
  up->add_option("--proxy-tls-addr", options.proxy_tls_address,
                 "service proxy TLS listen address (stands for port 443; port 0: any)")
      ->capture_default_str();
  up->add_option("--proxy-threads", options.proxy_threads, "service proxy I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  int hold_seconds = static_cast<int>(options.proxy_hold_timeout.count());
  up->add_option("--proxy-hold-timeout", hold_seconds,
                 "seconds a request waits for an instance that boots, wakes or does not listen "
                 "yet (then 503)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  if (const char* vmm = std::getenv("UKC_VMM")) options.vmm = vmm;
  up->add_option("--log-level", log_level, "debug|info|warn|error (debug logs every request)")
      ->capture_default_str();

  std::string env_user = "local";
  auto* env = app.add_subcommand(
      "env", "print the exports for UKC_TOKEN, UKC_METRO, UKC_REGISTRY, UKC_PROXY_HTTPS_PORT");
  env->add_option("--data-dir", data_dir, "data directory");
  env->add_option("--user", env_user, "whose token to print")->capture_default_str();

  auto* ca = app.add_subcommand("ca", "print the local CA certificate's path and how to trust it");
  ca->add_option("--data-dir", data_dir, "data directory");
  bool ca_path_only = false;
  ca->add_flag("--path", ca_path_only, "print only the path");

  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  std::string new_user;
  auto* user_add = user->add_subcommand("add", "add a user and print its token");
  user_add->add_option("name", new_user, "user name")->required();
  user_add->add_option("--data-dir", data_dir, "data directory");
  auto* user_list = user->add_subcommand("list", "list users");
  user_list->add_option("--data-dir", data_dir, "data directory");

  int exit_code = 0;
  ukc::cli::AddRuntimeCommands(app, &data_dir, &exit_code);
  std::vector<std::string> trailing_args;  // after "--": never parsed as options
  int parsed_argc = argc;
  for (int i = 1; i < argc; i++) {
    if (std::string(argv[i]) == "--") {
      trailing_args.assign(argv + i + 1, argv + argc);
      parsed_argc = i;
      break;
    }
  }
  ukc::cli::AddVmCommands(app, &data_dir, &exit_code, &trailing_args);
  ukc::cli::AddProxyBenchCommand(app, &exit_code);

  CLI11_PARSE(app, parsed_argc, argv);

  if (*up) {
    ukc::LogLevel level;
    if (!ukc::ParseLogLevel(log_level, &level)) {
      std::cerr << "ukc-emu: unknown log level '" << log_level << "'\n";
      return 2;
    }
    ukc::SetLogLevel(level);
    options.data_dir = data_dir;
    options.gc_grace = std::chrono::seconds(gc_grace_seconds);
    options.proxy_hold_timeout = std::chrono::seconds(hold_seconds);
    return ukc::RunDaemon(options);
  }
  if (*env) return PrintEnv(data_dir, env_user);
  if (*ca) return PrintCa(data_dir, ca_path_only);
  if (*user_add) return AddUser(data_dir, new_user);
  if (*user_list) return ListUsers(data_dir);
  return exit_code;  // set by a subcommand's callback
} catch (const std::exception& e) {
  std::cerr << "ukc-emu: " << e.what() << "\n";
  return 1;
}
