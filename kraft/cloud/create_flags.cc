#include "cloud/create_flags.h"

namespace kraft {

void AddSharedCreateFlags(CLI::App& cmd, const SharedFlagNames& names, CreateFlags* f) {
  auto slice = [&](const char* name, std::vector<std::string>& target, const char* help) {
    cmd.add_option(name, target, help)->delimiter(',')->allow_extra_args(false);
  };
  slice(names.certificate, f->certificates, "Set the certificates to use for the service");
  slice("-d,--domain", f->domains, "The domain names to use for the service");
  slice("-e,--env", f->env, "Environmental variables");
  slice(names.feature, f->features, "List of features to enable");
  slice("--entrypoint", f->entrypoint, "Set the entrypoint for the instance");
  slice("-p,--port", f->ports, "Specify the port mapping between external to internal");
  slice("-s,--subdomain", f->subdomains, "Set the subdomains to use when creating the service");
  slice("-v,--volume", f->volumes, "List of volumes to attach instance to");
  cmd.add_option("-M,--memory", f->memory, "Specify the amount of memory to allocate (MiB)");
  cmd.add_option("-n,--name", f->name, "Specify the name of the instance");
  cmd.add_option("-g,--service", f->service, "Attach this instance to an existing service");
  cmd.add_option("-o,--output", f->output, "Set output format. Options: table,yaml,json,list,raw");
  cmd.add_option("-R,--replicas", f->replicas, "Number of replicas of the instance")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--restart", f->restart, "Set the restart policy (never/always/on-failure)")
      ->check(CLI::IsMember({"never", "always", "on-failure"}));
  cmd.add_option("--scale-to-zero", f->scale_to_zero, "Scale to zero policy (on/off/idle)")
      ->check(CLI::IsMember({"on", "off", "idle"}));
  cmd.add_option("--scale-to-zero-cooldown", f->scale_to_zero_cooldown,
                 "Cooldown period before scaling to zero");
  cmd.add_flag("--scale-to-zero-stateful", f->scale_to_zero_stateful,
               "Save state when scaling to zero");
  cmd.add_option("-V,--vcpus", f->vcpus, "Number of vCPUs")->check(CLI::NonNegativeNumber);
}

}  // namespace kraft
