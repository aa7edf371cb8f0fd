#include "cloud/cloud_flags.h"

namespace kraft {

ukc::Status Connect(const CloudFlags& flags, bool need_metro, CloudConnection* out) {
  EnvLookup env = ProcessEnv();
  if (need_metro) {
    if (ukc::Status s = ResolveMetro(flags.metro, env, &out->base_url); !s.ok()) return s;
    out->metro = MetroValue(flags.metro, env);
  }
  if (ukc::Status s = ResolveToken(flags.token, env, &out->auth); !s.ok()) return s;
  out->registry = flags.registry;
  if (out->registry.empty()) out->registry = env("UKC_REGISTRY");
  if (out->registry.empty()) out->registry = "index.unikraft.io";
  return ukc::Status::Ok();
}

}  // namespace kraft
