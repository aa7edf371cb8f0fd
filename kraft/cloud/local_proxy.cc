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
  if (!service.exposes_443) return;
  EnvLookup env = ProcessEnv();
  std::cout << std::flush;
  for (const auto& fqdn : service.fqdns) {
    if (std::string url = LocalProxyUrl(fqdn, env); !url.empty()) {
      LogInfo("ukc-emu serves https://" + fqdn + " at " + url);
    }
  }
}

}  // namespace kraft
