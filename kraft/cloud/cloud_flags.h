// The persistent flags of `kraft cloud` and the connection they resolve to (config.h's order).
#pragma once

#include <string>

#include "base/status.h"
#include "config.h"

namespace kraft {

struct CloudFlags {
  std::string metro;     // --metro
  std::string token;     // --token
  std::string registry;  // --registry (ukc-emu addition; default $UKC_REGISTRY, index.unikraft.io)
};

struct CloudConnection {
  CloudAuth auth;
  std::string metro;     // the metro as given (a code or a URL)
  std::string base_url;  // API base, e.g. http://127.0.0.1:7080/v1
  std::string registry;  // registry host[:port] or URL
};

// Resolves the token always, the metro only when `need_metro`.
ukc::Status Connect(const CloudFlags& flags, bool need_metro, CloudConnection* out);

}  // namespace kraft
