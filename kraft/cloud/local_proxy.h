// Where a ukc-emu service answers. The real cloud serves https://<fqdn> on port 443; ukc-emu's
// service proxy serves it on 127.0.0.1:7443 (and http on 7480), and its FQDNs end in
// ".localhost" (which resolves to 127.0.0.1). The fancy summary keeps kraft's `domain:` line as
// is; for each ".localhost" domain of a service exposing 443 this logs (stderr) the URL a user
// can open:
//    i  ukc-emu serves https://<fqdn> at https://<fqdn>:7443/
// The port is the one ukc-emu reports for 443 (the service's `local_port`), else
// $UKC_PROXY_HTTPS_PORT when set (what `ukc-emu env` exports), else 7443. Every other published
// port (not 80) that ukc-emu reports a listener for gets a line too, e.g.
//    i  ukc-emu serves port 6379 of <fqdn> at <fqdn>:41234
// (its own number when ≥ 1024 and free, else another). Domains of the real cloud print nothing.
#pragma once

#include <string>

#include "cloud/instance_print.h"
#include "config.h"

namespace kraft {

// "https://<fqdn>:<port>/" for a ukc-emu domain, "" for any other.
std::string LocalProxyUrl(const std::string& fqdn, const EnvLookup& env);
void LogLocalProxyUrls(const ServiceView& service);

}  // namespace kraft
