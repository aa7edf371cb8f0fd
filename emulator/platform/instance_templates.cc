// Pre-booted templates (vmm.h): a launch restores a template of its kernel + runtime layers +
// memory class instead of booting, when one is ready; otherwise it boots and the templater thread
// builds the template for the next launch. The official runtimes' templates are prepared at
// start. A template that fails to restore is dropped and the launch boots (instance_launch.cc).
#include <fstream>

#include "log.h"
#include "platform/instance_controller.h"
#include "vmm/launch_params.h"

namespace ukc::platform {

namespace {

// Guest memory comes in classes (128, 256, 512 … MB), so instances of different sizes share
// templates; a guest gets at least what its initrd needs (as booted guests do).
int MemoryClassMb(int wanted_mb) {
  int mb = 128;
  while (mb < wanted_mb) mb *= 2;
  return mb;
}

// What a template's app layer must be: an uncompressed newc cpio (ukc-init unpacks it itself).
bool IsPlainCpio(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[6] = {};
  in.read(magic, sizeof magic);
  return in && (std::string(magic, 6) == "070701" || std::string(magic, 6) == "070702");
}

std::string RequestIdentity(const vmm::TemplateRequest& r) {
  std::string id = r.kernel.string() + "|" + r.initrd.string();
  return id + "|" + std::to_string(r.memory_mb) + "|" + std::to_string(r.vcpus);
}

}  // namespace

bool InstanceController::TemplateFor(const BootImage& image, const vmm::LaunchSpec& spec,
                                     vmm::TemplateRequest* request) {
  if (image.shared_initrd.empty() || spec.make_template) return false;
  if (!image.app_initrd.empty() && !IsPlainCpio(image.app_initrd)) return false;
  std::error_code ec;
  auto initrd_bytes = std::filesystem::file_size(image.initrd, ec);
  if (ec) return false;
  request->kernel = image.kernel;
  request->initrd = image.shared_initrd;
  request->layer_keys = image.shared_initrd_digests;
  request->memory_mb = MemoryClassMb(std::max(spec.memory_mb, vmm::RoomyMemoryMb(initrd_bytes)));
  request->vcpus = spec.vcpus;
  return true;
}

bool InstanceController::UseTemplate(const BootImage& image, vmm::LaunchSpec* spec) {
  vmm::TemplateRequest request;
  if (!options_.templates || !TemplateFor(image, *spec, &request)) return false;
  std::string key;
  if (!vmm_->FindTemplate(request, &key)) {
    std::lock_guard lock(mu_);
    if (templates_queued_.insert(RequestIdentity(request)).second) {
      template_queue_.push_back(request);
      changed_.notify_all();
    }
    return false;
  }
  spec->template_key = key;
  spec->initrd = image.shared_initrd;
  spec->app_layer = image.app_initrd;
  spec->memory_mb = request.memory_mb;
  return true;
}

void InstanceController::PrewarmTemplates(const std::vector<BootImage>& images) {
  if (!options_.templates) return;
  for (const auto& image : images) {
    vmm::LaunchSpec spec;  // the API's default size: 128 MB, 1 vCPU
    UseTemplate(image, &spec);
  }
}

void InstanceController::TemplaterLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !template_queue_.empty(); });
    if (stopping_) break;
    vmm::TemplateRequest request = template_queue_.front();
    template_queue_.pop_front();
    lock.unlock();
    auto began = std::chrono::steady_clock::now();
    Status s = vmm_->BuildTemplate(request);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - began)
                  .count();
    std::string layer = request.initrd.parent_path().filename().string();  // sha256-<hex>
    std::string what = layer.substr(0, std::min<size_t>(layer.size(), 19)) + " (" +
                       std::to_string(request.memory_mb) + " MB)";
    if (s.ok()) {
      Log(LogLevel::kInfo, "template " + what + " ready in " + std::to_string(ms) +
                               " ms: launches of it restore instead of booting");
    } else {
      Log(LogLevel::kWarn, "template " + what + " not built: " + s.ToString());
    }
    lock.lock();
    // A built one may be queued again once dropped; a failed one (say, a runtime whose ukc-init
    // predates templates) is not tried again by this daemon.
    if (s.ok()) templates_queued_.erase(RequestIdentity(request));
  }
  templater_running_ = false;
}

}  // namespace ukc::platform
