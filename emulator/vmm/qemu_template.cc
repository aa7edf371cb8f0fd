// QemuVmm templates (vmm.h, template_store.h). BuildTemplate boots the kernel + shared initrd
// with the fw_cfg file opt/ukc/template and its RAM in a file; ukc-init sets up what every
// instance shares, reports template-ready and waits; the VM is then saved like a shared-RAM
// snapshot (device state only). A launch with a template key starts QEMU with that RAM file
// mapped copy-on-write (share=off: the file stays the template's), `-incoming defer`, and the
// launch in fw_cfg: opt/ukc/launch, the parameters, opt/ukc/seed (fresh host entropy),
// opt/ukc/clock (wall clock) and opt/ukc/app (the app's cpio). PollRestore resumes it; ukc-init
// notices the launch and goes on as after a boot (runtimes/init/template.h).
#include <sys/random.h>
#include <unistd.h>

#include <chrono>

#include "log.h"
#include "store/data_dir.h"
#include "vmm/accel_probe.h"
#include "vmm/launch_params.h"
#include "vmm/qemu_instance.h"

namespace ukc::vmm {

using std::chrono::milliseconds;

namespace {
constexpr auto kTemplateBootLimit = std::chrono::seconds(180);  // boot to template-ready, TCG
constexpr auto kRestoreLimit = std::chrono::seconds(20);
constexpr size_t kTemplatesKept = 16;
}  // namespace

std::string QemuVmm::TemplateKeyFor(const TemplateRequest& request) {
  std::string accel = Accelerator(request.kernel, request.initrd,
                                  std::filesystem::temp_directory_path() / "ukc-emu-accel-probe");
  const QemuConfig& q = options_.qemu;
  return TemplateStore::KeyFor(
      request, AccelCacheKey(q) + " " + accel + " " + q.bios.string() + " " + q.extra_append);
}

bool QemuVmm::FindTemplate(const TemplateRequest& request, std::string* key) {
  if (templates_.dir().empty()) return false;
  *key = TemplateKeyFor(request);
  return templates_.Usable(*key, request.memory_mb);
}

void QemuVmm::DropTemplate(const std::string& key) {
  if (!templates_.dir().empty()) templates_.Drop(key);
}

Status QemuVmm::BuildTemplate(const TemplateRequest& request) {
  if (templates_.dir().empty()) return Status::Unavailable("templates are off");
  std::string key = TemplateKeyFor(request);
  if (templates_.Usable(key, request.memory_mb)) return Status::Ok();
  std::string part = ".part-" + std::to_string(getpid()) + "-" + std::to_string(++template_builds_);
  auto build = templates_.dir() / (key + part);  // ram + state, renamed into place whole
  LaunchSpec spec;
  spec.id = "template-" + key + part;
  spec.kernel = request.kernel;
  spec.initrd = request.initrd;
  spec.memory_mb = request.memory_mb;
  spec.vcpus = request.vcpus;
  spec.instance_dir = build / "vm";
  spec.shared_memory = build / "ram";
  spec.make_template = true;
  auto state = build / "state";
  VmStatus status;
  Status s = Launch(spec, &status);
  if (s.ok()) {
    s = Wait(spec.id, VmState::kRunning, std::chrono::steady_clock::now() + kTemplateBootLimit,
             &status);
    if (s.ok() && status.state != VmState::kRunning) {
      s = Status::Internal("the template VM ended: " + status.stop_reason);
    }
    if (s.ok()) s = Snapshot(spec.id, state);
    (void)Kill(spec.id);
    (void)Release(spec.id);
  }
  std::error_code ec;
  std::filesystem::remove_all(spec.instance_dir, ec);
  if (s.ok()) {
    s = templates_.Publish(build, key);
  } else {
    std::filesystem::remove_all(build, ec);
  }
  templates_.Prune(kTemplatesKept);
  return s;
}

Status QemuVmm::PrepareTemplateRestore(Instance* vm, QemuGuest* guest) {
  const LaunchSpec& spec = vm->spec;
  auto state = templates_.StatePath(spec.template_key);
  auto ram = templates_.RamPath(spec.template_key);
  std::error_code ec;
  if (templates_.dir().empty() || !std::filesystem::is_regular_file(state, ec) ||
      !std::filesystem::is_regular_file(ram, ec)) {
    return Status::NotFound("template " + spec.template_key + " not found");
  }
  // The launch: a marker, fresh entropy, the wall clock, the app's files.
  auto dir = spec.instance_dir / "launch";
  unsigned char seed[64];
  if (getrandom(seed, sizeof seed, 0) != sizeof seed) return Status::Internal("getrandom failed");
  int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  for (const auto& [name, content] :
       {std::pair<std::string, std::string>{"launch", "1\n"},
        {"seed", std::string(reinterpret_cast<char*>(seed), sizeof seed)},
        {"clock", std::to_string(now_ns) + "\n"}}) {
    if (Status s = store::WriteFileAtomically(dir / name, content); !s.ok()) return s;
    guest->fw_cfg.emplace_back("opt/ukc/" + name, std::filesystem::absolute(dir / name).string());
  }
  if (!spec.app_layer.empty()) {
    if (!std::filesystem::is_regular_file(spec.app_layer, ec)) {
      return Status::NotFound("app layer " + spec.app_layer.string() + " not found");
    }
    guest->fw_cfg.emplace_back("opt/ukc/app", std::filesystem::absolute(spec.app_layer).string());
  }
  vm->restoring = true;
  vm->from_template = true;
  vm->incoming_uri = "exec:cat '" + std::filesystem::absolute(state).string() + "'";
  guest->incoming = "defer";  // x-ignore-shared is set before the migration begins
  guest->memory_file = std::filesystem::absolute(ram).string();
  guest->memory_shared = false;  // copy-on-write: the template stays as it was
  return Status::Ok();
}

Status QemuVmm::AwaitTemplateRestore(const std::string& id) {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + kRestoreLimit;
  while (true) {
    Instance* vm = Find(id);
    if (!vm) return Status::Internal("the VM went away while restoring its template");
    if (vm->status.state == VmState::kStopped) {
      return Status::Internal("restoring the template failed: " + vm->status.stop_reason);
    }
    if (!vm->restoring) return Status::Ok();
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return Status::Unavailable("restoring the template took too long");
    }
  }
}

}  // namespace ukc::vmm
