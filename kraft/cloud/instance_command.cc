#include "cloud/instance_command.h"

#include "cloud/instance_create.h"
#include "cloud/instance_get.h"
#include "cloud/instance_lifecycle.h"
#include "cloud/instance_logs.h"

namespace kraft {

void AddInstanceCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code) {
  CLI::App* instance = cloud.add_subcommand("instance", "Manage instances on Unikraft Cloud");
  for (const char* alias : {"inst", "instances", "vm", "vms"}) instance->alias(alias);
  instance->require_subcommand(1);
  AddInstanceCreateCommand(*instance, flags, exit_code);
  AddInstanceListCommand(*instance, flags, exit_code);
  AddInstanceGetCommand(*instance, flags, exit_code);
  AddInstanceLogsCommand(*instance, flags, exit_code);
  AddInstanceStartCommand(*instance, flags, exit_code);
  AddInstanceStopCommand(*instance, flags, exit_code);
  AddInstanceRemoveCommand(*instance, flags, exit_code);
}

}  // namespace kraft
