#include "cloud/local_proxy.h"

#include <iostream>

#include "log.h"

namespace kraft {

std::string LocalProxyUrl(const std::string& fqdn, const EnvLookup& env) {
  std::string host = fqdn;
  if (!host.empty() && host.back() == '.') host.pop_back();
  const std::string suffix = ".localhost";
  if (host.size() <= suffix.size() ||
      host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  std::string port = env("UKC_PROXY_HTTPS_PORT");
  return "https://" + host + ":" + (port.empty() ? "7443" : port) + "/";
}

void LogLocalProxyUrls(const ServiceView& service) {
  EnvLookup env = ProcessEnv();
  if (auto it = service.local_ports.find(443); it != service.local_ports.end()) {
    std::string port = std::to_string(it->second);
    env = [port, env](std::string_view key) {
      return key == "UKC_PROXY_HTTPS_PORT" ? port : env(key);
    };
  }
  std::cout << std::flush;
  for (const auto& fqdn : service.fqdns) {
    std::string url = LocalProxyUrl(fqdn, env);
    if (url.empty()) continue;  // not a ukc-emu domain
    if (service.exposes_443) LogInfo("ukc-emu serves https://" + fqdn + " at " + url);
    for (const auto& [published, local] : service.local_ports) {
      if (published == 80 || published == 443) continue;
      LogInfo("ukc-emu serves port " + std::to_string(published) + " of " + fqdn + " at " + fqdn +
              ":" + std::to_string(local));
    }
  }
}

}  // namespace kraft
