#include "cloud/deploy_command.h"

#include <memory>

#include "api_client.h"
#include "cloud/create_flags.h"
#include "cloud/deploy_package.h"
#include "cloud/deploy_target.h"
#include "cloud/instance_api.h"
#include "cloud/instance_create_flow.h"
#include "cloud/instance_create_request.h"
#include "cloud/instance_logs.h"
#include "go_duration.h"
#include "log.h"
#include "output.h"

namespace kraft {
namespace {

struct DeployFlags {
  CreateFlags create;  // -p -R -M -e -n -g … (create_flags.h); create.start = !no_start
  DeployBuildFlags build;
  std::string as, workdir, timeout = "60s";
  std::string strategy = "overwrite";  // accepted; the local store is always overwritten
  bool no_start = false, follow = false;
};

// One deploy step reported through the package progress renderer.
void Step(const PackageProgressFn& progress, const std::string& step, const std::string& detail,
          bool finished) {
  if (progress) progress({step, detail, 0, 0, finished});
}

// Steps 1–2: the image the instances are created from, listed by the platform.
ukc::Status ResolveImage(ApiClient& api, const CloudConnection& conn, const DeployFlags& f,
                         const std::vector<std::string>& args, int64_t timeout_ms,
                         const PackageProgressFn& progress, std::string* image_name,
                         ukc::api::Image* image, std::vector<std::string>* app_args) {
  DeployInput input{args,          f.workdir, f.build.kraftfile, f.build.runtime, f.build.rootfs,
                    f.build.image, f.as};
  auto listed = [&api](const std::string& name) {
    ukc::api::Image unused;
    return FindImage(api, NormalizeImageName(name), {}, &unused).ok();
  };
  DeployTarget target;
  if (ukc::Status s = ChooseDeployer(input, listed, &target); !s.ok()) return s;
  if (target.deployer == Deployer::kImageName) {
    *image_name = NormalizeImageName(target.image);
    *app_args = target.args;
  } else {
    PackageResult result;
    DeployBuildFlags build = f.build;
    build.name = f.create.name;
    if (ukc::Status s = BuildAndPush(target, build, conn, progress, image_name, &result); !s.ok()) {
      return s;
    }
  }
  Step(progress, "propagating", *image_name, false);
  ukc::Status s = FindImage(api, *image_name, {true, timeout_ms}, image);
  Step(progress, "propagating", *image_name, true);
  return s;
}

// Step 3: create, then wait for every created instance to run; `*instances` holds the first.
ukc::Status CreateInstances(ApiClient& api, const DeployFlags& f, const std::string& image_name,
                            const ukc::api::Image& image, const std::vector<std::string>& app_args,
                            int64_t timeout_ms, const PackageProgressFn& progress, ApiResponse* got,
                            std::vector<ukc::api::Instance>* instances,
                            std::vector<std::string>* created) {
  CreateFlags create = f.create;
  create.start = !f.no_start;
  CreateRequestResult request;
  ukc::Status s = BuildCreateRequest(create, image_name, image, app_args, ProcessEnv(), &request);
  if (s.ok() && !create.service.empty()) s = ResolveService(api, create.service, &request.body);
  if (!s.ok()) return s;
  if (request.scale_to_zero_disabled) {
    LogInfo("no ports or service specified, disabling scale to zero");
  }
  Step(progress, "creating", image_name, false);
  s = CreateAndGet(api, request.body, got, instances, created);
  Step(progress, "creating", image_name, true);
  if (!s.ok() || f.no_start) return s;
  Step(progress, "starting", std::to_string(created->size()) + " instance(s)", false);
  for (const std::string& uuid : *created) {
    ukc::api::Instance now;
    if (ukc::Status w = WaitRunning(api, uuid, timeout_ms, &now); !w.ok()) return w;
  }
  Step(progress, "starting", std::to_string(created->size()) + " instance(s)", true);
  return GetInstances(api, {(*instances)[0].uuid}, got, instances);
}

ukc::Status Report(ApiClient& api, const CloudConnection& conn, const DeployFlags& f,
                   const ApiResponse& got, const std::vector<ukc::api::Instance>& instances,
                   const std::vector<std::string>& created, int* exit_code) {
  if (f.follow) {
    LogsFlags logs;
    logs.follow = true;
    *exit_code = PrintInstanceLogs(api, created, logs);
    return ukc::Status::Ok();
  }
  PrintOptions print;
  print.output = f.create.output;
  print.fancy = f.create.output.empty() && instances.size() == 1;
  print.autostart = !f.no_start;
  print.metro = conn.metro;
  return PrintCreated(api, print, got, instances);
}

int Deploy(const CloudFlags& cloud, const DeployFlags& f, const std::vector<std::string>& args) {
  CloudConnection conn;
  int64_t timeout_ms = 0;
  ukc::Status s = ValidateFormat(f.create.output);
  if (s.ok() && !ParseGoDuration(f.timeout, &timeout_ms).ok()) {
    s = ukc::Status::InvalidArgument("invalid argument \"" + f.timeout +
                                     "\" for \"--timeout\" flag");
  }
  if (s.ok()) s = Connect(cloud, true, &conn);
  ApiClient api(conn.base_url, conn.auth.token);
  PackageProgressFn progress = StderrProgress();
  std::string image_name;
  ukc::api::Image image;
  std::vector<std::string> app_args, created;
  if (s.ok()) {
    s = ResolveImage(api, conn, f, args, timeout_ms, progress, &image_name, &image, &app_args);
  }
  ApiResponse got;
  std::vector<ukc::api::Instance> instances;
  if (s.ok()) {
    s = CreateInstances(api, f, image_name, image, app_args, timeout_ms, progress, &got, &instances,
                        &created);
  }
  int exit_code = 0;
  if (s.ok()) s = Report(api, conn, f, got, instances, created, &exit_code);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  return exit_code;
}

void AddBuildFlags(CLI::App& cmd, DeployFlags* f) {
  cmd.add_option("-D,--as", f->as, "Set the deployment type")
      ->check(CLI::IsMember({"image-name", "kraftfile-runtime", "rootfs"}));
  cmd.add_option("-i,--image", f->build.image, "Set the image name to use");
  cmd.add_option("-K,--kraftfile", f->build.kraftfile, "Set the Kraftfile to use");
  cmd.add_option("--runtime", f->build.runtime, "Set an alternative project runtime");
  cmd.add_option("--rootfs", f->build.rootfs, "Specify a path to use as root filesystem");
  cmd.add_option("--rootfs-type", f->build.rootfs_type, "Set the type of the root filesystem")
      ->check(CLI::IsMember({"cpio", "erofs"}));
  cmd.add_option("--build-arg", f->build.build_args, "Build arguments (Dockerfile ARG)")
      ->allow_extra_args(false);
  cmd.add_option("--build-target", f->build.build_target, "Dockerfile stage to build");
  cmd.add_flag("-F,--no-cache", f->build.no_cache, "Force a rebuild even if existing objects");
  cmd.add_option("-w,--workdir", f->workdir, "Set an alternative working directory");
  cmd.add_option("--timeout", f->timeout, "Set the timeout for remote procedure calls");
  cmd.add_option("--strategy", f->strategy, "Merge strategy for an existing local package")
      ->check(CLI::IsMember({"overwrite", "merge", "abort", "prompt"}));
}

}  // namespace

void AddDeployCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = cloud.add_subcommand("deploy", "Deploy your application");
  for (const char* alias : {"launch", "run"}) cmd->alias(alias);
  auto f = std::make_shared<DeployFlags>();
  auto args = std::make_shared<std::vector<std::string>>();
  f->create.output = "";
  AddSharedCreateFlags(*cmd, {"-C,--certificate", "--feature"}, &f->create);
  AddBuildFlags(*cmd, f.get());
  cmd->add_flag("-S,--no-start", f->no_start, "Do not start the instance after creation");
  cmd->add_flag("-f,--follow", f->follow, "Follow the logs of the instance");
  cmd->add_option("args", *args, "[CONTEXT] [-- APP ARGS]");
  cmd->callback([=, &flags] { *exit_code = Deploy(flags, *f, *args); });
}

}  // namespace kraft
