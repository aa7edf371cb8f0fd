#include "cloud/instance_create.h"

#include "api/image.h"
#include "api_client.h"
#include "cloud/create_flags.h"
#include "cloud/instance_create_flow.h"
#include "cloud/instance_create_request.h"
#include "go_duration.h"
#include "log.h"
#include "output.h"

namespace kraft {
namespace {

ukc::Status ImageWaitFromFlags(const CreateFlags& flags, ImageWait* out) {
  out->wait = flags.wait_for_image;
  if (!out->wait) return ukc::Status::Ok();
  if (ukc::Status s = ParseGoDuration(flags.wait_for_image_timeout, &out->timeout_ms); !s.ok()) {
    return ukc::Status::InvalidArgument("invalid argument \"" + flags.wait_for_image_timeout +
                                        "\" for \"--wait-for-image-timeout\" flag: " + s.message());
  }
  return ukc::Status::Ok();
}

int Create(const CloudFlags& cloud, const CreateFlags& flags, const std::string& image_arg,
           const std::vector<std::string>& app_args) {
  CloudConnection conn;
  ukc::Status s = ValidateFormat(flags.output);
  if (s.ok()) s = Connect(cloud, true, &conn);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  ApiClient api(conn.base_url, conn.auth.token);
  std::string image_name = NormalizeImageName(image_arg);
  ukc::api::Image image;
  CreateRequestResult request;
  ImageWait wait;
  s = ImageWaitFromFlags(flags, &wait);
  if (s.ok()) s = FindImage(api, image_name, wait, &image);
  if (s.ok()) s = BuildCreateRequest(flags, image_name, image, app_args, ProcessEnv(), &request);
  if (s.ok() && !flags.service.empty()) s = ResolveService(api, flags.service, &request.body);
  if (s.ok() && request.scale_to_zero_disabled) {
    LogInfo("no ports or service specified, disabling scale to zero");
  }
  ApiResponse got;
  std::vector<ukc::api::Instance> instances;
  if (s.ok()) s = CreateAndGet(api, request.body, &got, &instances);
  if (s.ok()) {
    PrintOptions print;
    print.output = flags.output;
    print.fancy = instances.size() == 1 && flags.output != "table" && flags.output != "json";
    print.autostart = flags.start;
    print.metro = conn.metro;
    s = PrintCreated(api, print, got, instances);
  }
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  return 0;
}

}  // namespace

void AddInstanceCreateCommand(CLI::App& instance, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = instance.add_subcommand("create", "Create an instance");
  cmd->alias("new");
  auto f = std::make_shared<CreateFlags>();
  auto image = std::make_shared<std::string>();
  auto app_args = std::make_shared<std::vector<std::string>>();
  AddSharedCreateFlags(*cmd, {"-c,--certificate", "-f,--feature"}, f.get());
  cmd->add_flag("-S,--start", f->start, "Immediately start the instance after creation");
  cmd->add_flag("-w,--wait-for-image", f->wait_for_image,
                "Wait for the image to be available before creating the instance");
  cmd->add_option("--wait-for-image-timeout", f->wait_for_image_timeout,
                  "Time to wait before timing out when waiting for image");
  cmd->add_option("image", *image, "IMAGE")->required();
  cmd->add_option("args", *app_args, "ARGS (after --)");
  cmd->callback([=, &flags] { *exit_code = Create(flags, *f, *image, *app_args); });
}

}  // namespace kraft
