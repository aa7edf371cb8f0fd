#include "daemon.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "access/authenticator.h"
#include "http/server.h"
#include "log.h"
#include "platform/api_service.h"
#include "platform/autoscale_registry.h"
#include "platform/autoscale_store.h"
#include "platform/autoscaler.h"
#include "platform/instance_autoscale.h"
#include "platform/instance_controller.h"
#include "platform/instance_store.h"
#include "platform/registry_image_source.h"
#include "platform/service_group_store.h"
#include "platform/service_registry.h"
#include "proxy/certificate_authority.h"
#include "proxy/route_table.h"
#include "proxy/service_proxy.h"
#include "registry/registry_service.h"
#include "registry/registry_store.h"
#include "runtime/runtime_builder.h"
#include "store/data_dir.h"
#include "store/database.h"
#include "store/user_store.h"
#include "vmm/accel_probe.h"
#include "vmm/fake_vmm.h"
#include "vmm/guest_port_probe.h"
#include "vmm/image_loader.h"
#include "vmm/qemu_vmm.h"
#include "vmm/template_store.h"

namespace ukc {

namespace {

// Where scale-to-zero instances keep their guest RAM: a directory in /dev/shm named after the
// data dir (the same for every daemon of that data dir, so standby instances survive restarts).
// Empty (snapshots copy the RAM) when /dev/shm cannot be used.
std::filesystem::path SharedMemoryDir(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::path root = std::filesystem::weakly_canonical(data_dir, ec);
  char name[40];
  std::snprintf(name, sizeof name, "ukc-emu-%016zx", std::hash<std::string>{}(root.string()));
  std::filesystem::path dir = std::filesystem::path("/dev/shm") / name;
  std::filesystem::create_directories(dir, ec);
  if (ec || ::access(dir.c_str(), W_OK) != 0) {
    Log(LogLevel::kWarn, "no shared memory dir (" + dir.string() + "): snapshots copy guest RAM");
    return {};
  }
  return dir;
}

// Which accelerator instances will get: probed with the base runtime's kernel (KVM only when a
// guest really boots with it). Without a runtime yet, says so.
std::string DescribeAccelerator(registry::RegistryStore* store, const store::DataDir& data_dir) {
  vmm::QemuVmmOptions options = vmm::QemuVmmOptionsFromEnv();
  if (options.qemu.accel == "kvm" || options.qemu.accel == "tcg") {
    return options.qemu.accel + " (set by UKC_ACCEL)";
  }
  vmm::ImageLoader loader(store, data_dir.root() / "vmm" / "images");
  vmm::LoadedImage image;
  if (!loader.Load("official/base", "latest", &image).ok()) {
    return "not probed yet (no official/base runtime: run `ukc-emu runtime build`)";
  }
  vmm::ProbeRequest probe{options.qemu, image.kernel, image.initrd,
                          data_dir.root() / "vmm" / "accel-probe", runtime::AccelCacheFile()};
  std::string accel = vmm::ProbeAccelerator(probe);
  return accel == "kvm" ? "kvm" : "tcg (KVM unavailable or not working here)";
}

// Queues templates for the official runtimes as they are now (at start, and again every 30 s
// in case `ukc-emu runtime build` changed one), so their first instances restore, not boot.
void PrepareRuntimeTemplates(platform::ImageSource* images,
                             platform::InstanceController* instances) {
  std::vector<platform::BootImage> runtimes;
  for (const char* name : {"base:latest", "python:3.12", "node:latest", "nginx:latest"}) {
    std::string reference = name;
    auto colon = reference.find(':');
    platform::BootImage image;
    if (images->Load("official/" + reference.substr(0, colon), reference.substr(colon + 1), &image)
            .ok()) {
      runtimes.push_back(std::move(image));
    }
  }
  instances->PrewarmTemplates(runtimes);
}

// The VMM behind the instances: real QEMU, or the in-memory fake for API tests and benchmarks.
Status MakeVmm(const std::string& kind, const store::DataDir& data_dir, vmm::PortAllocator* ports,
               vmm::Clock* clock, std::unique_ptr<vmm::Vmm>* out) {
  if (kind == "fake") {
    auto fake = std::make_unique<vmm::FakeVmm>(clock, ports);
    vmm::FakeScript script;
    script.boot_delay = std::chrono::milliseconds(0);
    script.console = "ukc-emu fake VM: the app started\n";
    fake->SetDefaultScript(script);
    *out = std::move(fake);
    return Status::Ok();
  }
  if (kind != "qemu") return Status::InvalidArgument("UKC_VMM must be qemu or fake, not " + kind);
  vmm::QemuVmmOptions qemu = vmm::QemuVmmOptionsFromEnv();
  qemu.accel_cache = runtime::AccelCacheFile();
  qemu.templates_dir = vmm::DefaultTemplateDir();
  *out = std::make_unique<vmm::QemuVmm>(qemu, ports, clock);
  return Status::Ok();
}

int Fail(const Status& s) {
  Log(LogLevel::kError, s.ToString());
  return 1;
}

// Waits for SIGINT or SIGTERM, calling `tick` about once a second meanwhile.
int WaitForStopSignal(const std::function<void()>& tick) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  timespec timeout{1, 0};
  while (true) {
    int sig = sigtimedwait(&set, nullptr, &timeout);
    if (sig == SIGINT || sig == SIGTERM) return sig;
    tick();
  }
}

}  // namespace

int RunDaemon(const DaemonOptions& options) {
  // Block the stop signals in every thread; the main thread waits for them synchronously.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  store::DataDir data_dir(options.data_dir.empty() ? store::DataDir::DefaultRoot()
                                                   : std::filesystem::path(options.data_dir));
  if (Status s = data_dir.Create(); !s.ok()) return Fail(s);
  if (Status s = data_dir.LockForDaemon(); !s.ok()) return Fail(s);
  std::unique_ptr<store::Database> db;
  if (Status s = store::Database::Open(data_dir.database().string(), &db); !s.ok()) return Fail(s);
  store::UserStore users(db.get());
  if (Status s = users.Init(); !s.ok()) return Fail(s);
  access::Authenticator authenticator(&users, users.Setting("registry_token_key", 32));

  registry::RegistryStore registry_store(data_dir, db.get());
  if (Status s = registry_store.Init(); !s.ok()) return Fail(s);
  registry::RegistryService registry_service(&registry_store, &authenticator);
  vmm::SystemClock clock;
  vmm::LoopbackPortAllocator ports;
  std::unique_ptr<vmm::Vmm> vmm;
  if (Status s = MakeVmm(options.vmm, data_dir, &ports, &clock, &vmm); !s.ok()) return Fail(s);
  platform::InstanceStore instance_store(db.get());
  if (Status s = instance_store.Init(); !s.ok()) return Fail(s);
  platform::ServiceGroupStore service_group_store(db.get());
  if (Status s = service_group_store.Init(); !s.ok()) return Fail(s);
  platform::ServiceRegistryOptions service_options;
  service_options.metro = options.metro;
  service_options.limits = options.limits;
  platform::ServiceRegistry services(&service_group_store, service_options);
  if (Status s = services.Load(); !s.ok()) return Fail(s);
  platform::AutoscaleStore autoscale_store(db.get());
  if (Status s = autoscale_store.Init(); !s.ok()) return Fail(s);
  platform::AutoscaleRegistry autoscale(&autoscale_store);
  if (Status s = autoscale.Load(); !s.ok()) return Fail(s);
  platform::RegistryImageSource image_source(&registry_store, data_dir.root() / "vmm" / "images");
  platform::ControllerOptions controller_options;
  controller_options.instances_dir = data_dir.root() / "instances";
  controller_options.limits = options.limits;
  controller_options.services = &services;
  proxy::RouteTable routes;
  controller_options.routes = &routes;
  controller_options.instance_deleted = [&](const std::string& uuid) {
    autoscale.ForgetInstance(uuid);
  };
  if (options.vmm != "fake") {
    controller_options.port_ready = [](int port) { return vmm::GuestPortListening(port); };
    controller_options.shared_memory_dir = SharedMemoryDir(data_dir.root());
    controller_options.templates = !vmm::DefaultTemplateDir().empty();
  }
  platform::InstanceController instances(vmm.get(), &clock, &instance_store, &image_source,
                                         controller_options);
  if (Status s = instances.Recover(); !s.ok()) return Fail(s);
  instances.StartThreads();
  platform::ApiService api_service(&authenticator, &registry_store, &instances, &services,
                                   options.limits);
  api_service.set_autoscale(&autoscale);
  platform::InstanceAutoscaleTarget autoscale_target(&instances);
  platform::AutoscalerOptions autoscaler_options;
  autoscaler_options.group_exists = [&](const std::string& user, const std::string& group) {
    api::ServiceGroup found;
    return services.Get(user, group, "", &found).kind() != Status::Kind::kNotFound;
  };
  platform::Autoscaler autoscaler(&autoscale, &autoscale_target, autoscaler_options);
  autoscaler.Start();

  http::Server registry_server("registry",
                               [&](http::Exchange& ex) { registry_service.Handle(ex); });
  http::Server api_server("api", [&](http::Exchange& ex) { api_service.Handle(ex); });
  if (Status s = registry_server.Listen(options.registry_address); !s.ok()) return Fail(s);
  if (Status s = api_server.Listen(options.api_address); !s.ok()) return Fail(s);
  proxy::CertificateAuthority ca(data_dir.root() / "ca");
  if (Status s = ca.Open(); !s.ok()) return Fail(s);
  proxy::ServiceProxyOptions proxy_options;
  proxy_options.http_address = options.proxy_http_address;
  proxy_options.tls_address = options.proxy_tls_address;
  proxy_options.threads = options.proxy_threads;
  proxy_options.wake_timeout = options.proxy_hold_timeout;
  proxy::ServiceProxy service_proxy(&routes, &instances, &ca, proxy_options);
  if (Status s = service_proxy.Start(); !s.ok()) return Fail(s);
  api_service.set_local_ports([&](int port) { return service_proxy.ListenPortFor(port); });
  registry_server.Start();
  api_server.Start();

  nlohmann::json info = {{"pid", getpid()},
                         {"registry_addr", registry_server.address()},
                         {"api_addr", api_server.address()},
                         {"proxy_http_port", service_proxy.http_port()},
                         {"proxy_tls_port", service_proxy.tls_port()},
                         {"ca_cert", ca.cert_path().string()},
                         {"started_at", static_cast<int64_t>(std::time(nullptr))}};
  if (Status s = store::WriteFileAtomically(data_dir.daemon_info(), info.dump() + "\n"); !s.ok()) {
    return Fail(s);
  }
  Log(LogLevel::kInfo, "ukc-emu up: data dir " + data_dir.root().string());
  Log(LogLevel::kInfo, "registry  http://" + registry_server.address() + "/v2/");
  Log(LogLevel::kInfo, "api       http://" + api_server.address() + "/v1");
  Log(LogLevel::kInfo, "proxy     http :" + std::to_string(service_proxy.http_port()) +
                           " (stands for 80), https :" + std::to_string(service_proxy.tls_port()) +
                           " (443), services at " + "<name>." + options.metro + ".localhost; CA " +
                           ca.cert_path().string());
  Log(LogLevel::kInfo,
      "run `ukc-emu env" +
          (options.data_dir.empty() ? std::string() : " --data-dir " + options.data_dir) +
          "` for the UKC_* exports");
  // The accelerator is known at once when cached for this machine; a first probe (a KVM boot
  // that may hang for seconds where /dev/kvm does not work) runs off the startup path, and so
  // does the preparation of the official runtimes' templates (which needs the accelerator).
  std::thread describe_accelerator([&] {
    Log(LogLevel::kInfo,
        "vmm       " + (options.vmm == "fake"
                            ? std::string("fake (UKC_VMM=fake: no real VMs)")
                            : "accelerator " + DescribeAccelerator(&registry_store, data_dir)));
    PrepareRuntimeTemplates(&image_source, &instances);
  });

  auto last_gc = std::chrono::steady_clock::now();
  auto last_templates = last_gc;
  int sig = WaitForStopSignal([&] {
    if (std::chrono::steady_clock::now() - last_templates >= std::chrono::seconds(30)) {
      last_templates = std::chrono::steady_clock::now();  // after a `runtime build`, too
      PrepareRuntimeTemplates(&image_source, &instances);
    }
    registry_store.uploads().ExpireIdle(std::chrono::hours(1));
    auto now = std::chrono::steady_clock::now();
    if (now - last_gc >=
        std::min<std::chrono::seconds>(options.gc_grace, std::chrono::seconds(60))) {
      last_gc = now;
      if (Status s = registry_store.CollectUnreferenced(options.gc_grace); !s.ok()) {
        Log(LogLevel::kWarn, "registry garbage collection: " + s.ToString());
      }
    }
  });
  Log(LogLevel::kInfo,
      std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
  describe_accelerator.join();
  api_server.Stop();
  service_proxy.Stop();
  autoscaler.Stop();
  instances.Shutdown();
  if (!controller_options.shared_memory_dir.empty()) {  // only when no standby RAM is left
    std::error_code ignored;
    std::filesystem::remove(controller_options.shared_memory_dir, ignored);
  }
  registry_server.Stop();
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace ukc
