// `kraft`: the Unikraft Cloud subset of KraftKit's CLI (kraft-cli.md). Data on stdout, logs on
// stderr, exit 1 on any error.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cloud/cloud_flags.h"
#include "cloud/deploy_command.h"
#include "cloud/image_command.h"
#include "cloud/instance_command.h"
#include "cloud/quotas_command.h"
#include "cloud/scale_command.h"
#include "cloud/service_command.h"
#include "pkg/pkg_command.h"

int main(int argc, char** argv) try {
  CLI::App app{"kraft: build and use highly customized and ultra-lightweight unikernels", "kraft"};
  app.fallthrough();  // persistent flags: parent options are accepted after subcommands too
  app.require_subcommand(1);
  int exit_code = 0;
  kraft::CloudFlags flags;

  CLI::App* cloud = app.add_subcommand("cloud", "Unikraft Cloud");
  cloud->alias("cl");
  cloud->require_subcommand(1);
  cloud->add_option("--metro", flags.metro, "Unikraft Cloud metro location (default $UKC_METRO)");
  cloud->add_option("--token", flags.token, "Unikraft Cloud access token (default $UKC_TOKEN)");
  cloud->add_option("--registry", flags.registry,
                    "OCI registry for image removal (default $UKC_REGISTRY, index.unikraft.io)");
  kraft::AddDeployCommand(*cloud, flags, &exit_code);
  kraft::AddImageCommand(*cloud, flags, &exit_code);
  kraft::AddInstanceCommand(*cloud, flags, &exit_code);
  kraft::AddQuotasCommand(*cloud, flags, &exit_code);
  kraft::AddServiceCommand(*cloud, flags, &exit_code);
  kraft::AddScaleCommand(*cloud, flags, &exit_code);

  kraft::AddBuildCommand(app, &exit_code);
  kraft::AddPkgCommand(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 1;
  }
  return exit_code;
} catch (const std::exception& e) {
  std::cerr << " E  " << e.what() << "\n";
  return 1;
}
