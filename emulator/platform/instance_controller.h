// The instances controller: owns every instance record (memory + InstanceStore), turns API
// operations into VM launches and stops through the Vmm seam, and follows the VMs' states.
// Operations return at once with the new state ("starting", "stopping"), as the real cloud does;
// a launcher thread boots VMs outside the lock, a supervisor thread polls the VMs, records stops
// (stop_reason / stop_code / exit_code), applies restart policies with back-off and deletes
// delete-on-stop instances. Wait blocks until states are reached. Thread-safe.
//
// Errors use Status kinds that the API maps to per-item codes: NotFound (8), AlreadyExists (23),
// InvalidArgument (7), Unavailable = timed out (12), TooLarge = quota exceeded (19),
// PermissionDenied = not allowed (14).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "api/instance.h"
#include "platform/autoscaler.h"
#include "platform/connection_tracker.h"
#include "platform/instance_record.h"
#include "platform/instance_store.h"
#include "platform/quota_limits.h"
#include "platform/service_registry.h"
#include "proxy/route_table.h"
#include "vmm/clock.h"
#include "vmm/vmm.h"

namespace ukc::platform {

// What a start needs from an image: bootable files and defaults. Implemented over the registry
// (RegistryImageSource) and by tests.
struct BootImage {
  std::filesystem::path kernel, initrd;
  // Templates (vmm.h): the initrd layers a runtime's instances share (file, digests) and the
  // app's own layer ("" when the image has one initrd layer). Empty shared_initrd: no template.
  std::filesystem::path shared_initrd, app_initrd;
  std::vector<std::string> shared_initrd_digests;
  std::vector<std::string> cmd, env;
  std::string working_dir;
};
class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // `reference` as clients send it ("alice/app:latest", "python:3.12", "…@sha256:…"), resolved
  // for `user`: sets the repository, the pinned digest ("sha256:…") and the display form
  // ("alice/app@sha256:…"). NotFound when the user cannot see such an image.
  virtual Status Resolve(const std::string& user, const std::string& reference,
                         std::string* repository, std::string* digest, std::string* display) = 0;
  virtual Status Load(const std::string& repository, const std::string& digest, BootImage* out) = 0;
  // The config labels of the image `display` (as Resolve set it) names; some act as instance
  // defaults (image_defaults.h).
  virtual std::map<std::string, std::string> Labels(const std::string& user,
                                                    const std::string& display) {
    (void)user, (void)display;
    return {};
  }
};

struct ControllerOptions {
  std::filesystem::path instances_dir;  // per-instance directories (console.log, …)
  QuotaLimits limits;
  std::chrono::milliseconds poll_interval{20};
  std::chrono::milliseconds stop_timeout{5000};  // app SIGTERM → SIGKILL grace in the guest
  std::function<int64_t()> unix_ms;              // wall clock; default: system_clock
  // Service groups (instance_groups.cc): without a registry, a create with service_group fails.
  ServiceRegistry* services = nullptr;
  // The service proxy's routes (instance_routes.cc), kept in step with the groups and their
  // running instances; null = no proxy.
  proxy::RouteTable* routes = nullptr;
  // Whether a guest port really takes connections (QEMU's user networking accepts on the host
  // side even when nothing listens in the guest). Guests whose ukc-init does not report its
  // listening ports are probed with it before the proxy routes to them. Null: ready at once.
  std::function<bool(int host_port)> port_ready;
  // Stateless scale-to-zero instances in standby get a ready snapshot (instance_ready_snapshot.cc)
  // so a wake restores instead of booting. Needs port_ready.
  bool ready_snapshots = true;
  // Scale-to-zero instances keep their guest RAM in <dir>/<uuid>.ram (LaunchSpec::shared_memory;
  // a RAM filesystem such as /dev/shm/…): snapshots then hold only device state and a wake maps
  // the RAM instead of loading it. Empty: snapshots copy the RAM.
  std::filesystem::path shared_memory_dir;
  // Launches restore a template of their kernel + runtime when one is ready (vmm.h); a launch
  // that finds none boots, and the templater thread builds one for the next.
  bool templates = false;
  // Called (under the controller's lock) for every instance that goes away.
  std::function<void(const std::string& instance_uuid)> instance_deleted;
};

// The service group an instance create names (ukc-api.md §4.2): an existing one by uuid or name,
// or a new ephemeral one described by `spec`. `group` is the group once created or looked up.
struct ServiceGroupPlan {
  bool existing = false;
  std::string uuid, name;
  api::CreateServiceGroupRequest spec;
  api::ServiceGroup group;
};

struct StopOptions {
  bool force = false;
  int64_t drain_timeout_ms = 0;
};

struct LogWindow {
  std::string output;  // raw bytes
  int64_t available_start = 0, available_end = 0, range_start = 0, range_end = 0;
  std::string state;
};

struct Usage {
  int instances = 0, live_instances = 0, live_vcpus = 0, live_memory_mb = 0, services = 0,
      service_groups = 0;
};

class InstanceController : public proxy::RouteEvents {
 public:
  InstanceController(vmm::Vmm* vmm, vmm::Clock* clock, InstanceStore* store, ImageSource* images,
                     ControllerOptions options);
  ~InstanceController() override;

  // Loads the stored instances. Ones that were not stopped have lost their VM (VMs do not outlive
  // the daemon): they are recorded as stopped by the platform (stop_reason 4).
  Status Recover();
  void StartThreads();
  // Stops the threads and every VM (recorded as a platform stop).
  void Shutdown();

  // Creates 1 + replicas instances; fills `created` (in order). The first error aborts the rest.
  Status Create(const std::string& user, const api::CreateInstanceRequest& request,
                std::vector<api::Instance>* created);
  // Lookups by uuid or name (exactly one non-empty).
  Status Get(const std::string& user, const std::string& uuid, const std::string& name,
             api::Instance* out);
  std::vector<api::Instance> List(const std::string& user);
  // The same list as a JSON array text (each item as api::ToJson renders it), assembled from
  // per-instance texts cached until the instance changes: the fast path of GET /v1/instances.
  std::string ListJson(const std::string& user);
  // Start/Stop/Delete report the state before (`previous`) and after (`*out`).
  Status Start(const std::string& user, const std::string& uuid, const std::string& name,
               std::string* previous, api::Instance* out);
  Status Stop(const std::string& user, const std::string& uuid, const std::string& name,
              const StopOptions& options, std::string* previous, api::Instance* out);
  Status Delete(const std::string& user, const std::string& uuid, const std::string& name,
                std::string* previous, api::Instance* out);
  // Blocks until every target (uuid of `user`) is in `state` or `deadline`; returns each one's
  // current state in `out` (same order). `reached[i]` says whether target i got there.
  void Wait(const std::string& user, const std::vector<std::string>& uuids,
            const std::string& state, std::chrono::steady_clock::time_point deadline,
            std::vector<api::Instance>* out, std::vector<bool>* reached);
  // Console bytes: `offset` < 0 counts from the end; `limit` is capped by the caller.
  Status ReadLog(const std::string& user, const std::string& uuid, int64_t offset, int64_t limit,
                 LogWindow* out);
  Usage UsageOf(const std::string& user);
  // QEMU process of a running instance (0 when none): metrics read /proc with it.
  pid_t ProcessOf(const std::string& user, const std::string& uuid);

  void Tick();  // one supervisor pass (the thread calls it; tests may too)
  // Puts into the route table what changed since the last publication (service groups created
  // or deleted a moment ago, instances attached), instead of waiting for the next Tick: the
  // proxy then listens on the groups' ports.
  void PublishRoutes();

  // proxy::RouteEvents (instance_routes.cc): connection counts feed scale-to-zero, draining and
  // metrics; Wake starts (or restores) a standby instance of the group for a waiting connection.
  void ConnectionOpened(const std::string& instance_uuid) override;
  void ConnectionClosed(const std::string& instance_uuid) override;
  void ExchangeStarted(const std::string& instance_uuid) override;
  void ExchangeFinished(const std::string& instance_uuid) override;
  void WakeAnother(const std::string& group_uuid) override;
  Status Wake(const std::string& group_uuid, int destination_port,
              std::chrono::steady_clock::time_point deadline, proxy::ServiceRoute* route) override;
  // Autoscale (instance_autoscale.cc): every service group's instances and proxied connections;
  // a clone of `master_uuid` (image, args, env, memory, vCPUs, scale-to-zero) started in the group.
  std::vector<GroupLoad> GroupLoads();
  // Queues template builds for launches of these images at the default size (the official
  // runtimes, at start), so their first instances restore instead of booting.
  void PrewarmTemplates(const std::vector<BootImage>& images);
  Status Clone(const std::string& user, const std::string& group_uuid,
               const std::string& master_uuid, std::string* instance_uuid);
  ConnectionCounts ConnectionsOf(const std::string& instance_uuid) const {
    return connections_.Get(instance_uuid);
  }

 private:
  using Records = std::map<std::string, std::unique_ptr<InstanceRecord>>;
  InstanceRecord* FindLocked(const std::string& user, const std::string& uuid,
                             const std::string& name);
  api::Instance ViewLocked(const InstanceRecord& r) const;
  int64_t UptimeLocked(const InstanceRecord& r) const;
  std::vector<InstanceRecord*> OwnedLocked(const std::string& user);  // in creation order
  Status CheckCreate(const std::string& user, const api::CreateInstanceRequest& request);
  Status CheckQuotaLocked(const std::string& user, const api::CreateInstanceRequest& request);
  // instance_groups.cc: the plan checks the request (port rules) before anything is created;
  // CreateGroupLocked creates a new group; Join attaches an instance and fills its view's
  // service_group and ports; Leave detaches it (RemoveLocked does, for every removal).
  Status PlanGroup(const std::string& user, const nlohmann::json& group, ServiceGroupPlan* out);
  Status CreateGroupLocked(const std::string& user, ServiceGroupPlan* plan);
  Status JoinGroupLocked(const std::string& user, ServiceGroupPlan* plan, InstanceRecord* r);
  void LeaveGroupLocked(const InstanceRecord& r);
  std::string UniqueNameLocked(const std::string& user, const std::string& repository);
  void RequestLaunchLocked(InstanceRecord* r, bool restart);
  void StopLocked(InstanceRecord* r, int reason_bits, bool force);
  void RecordStopLocked(InstanceRecord* r, const vmm::VmStatus& status);
  void ScheduleRestartLocked(InstanceRecord* r, bool crashed, int exit_code);
  void FollowVmLocked(InstanceRecord* r);
  void PersistLocked(InstanceRecord& r);  // bumps the revision, writes, wakes waiters
  void RemoveLocked(const std::string& uuid);
  // Moves a finished boot's console.log onto console.history (the log spans every boot).
  void ArchiveConsoleLocked(const std::string& uuid);
  void LauncherLoop();
  void SupervisorLoop();
  // The worker threads' loop head: waits until `queue` has a uuid, pops it, and returns its
  // record when `wanted` holds for it (others are skipped); nullptr once stopping.
  InstanceRecord* NextQueuedLocked(std::unique_lock<std::mutex>& lock,
                                   std::deque<std::string>* queue,
                                   const std::function<bool(const InstanceRecord&)>& wanted);
  // instance_readiness.cc: which guest ports of a running VM listen. NoteListeningLocked takes
  // the VM's reports (the supervisor calls it); the prober thread probes guests that do not
  // report. Either republishes the routes when a port starts to listen.
  void NoteListeningLocked(InstanceRecord* r, const vmm::VmStatus& status);
  void ProberLoop();
  // Whether every guest port of `status` listens: as reported, else probed (blocking).
  bool VmListening(const vmm::VmStatus& status);
  // instance_routes.cc: one group's route; PublishRoutesLocked puts what changed.
  proxy::ServiceRoute RouteLocked(const api::ServiceGroup& group);
  void PublishRoutesLocked();
  void PublishChangedRoutesLocked();  // when dirty or the service groups changed
  // instance_standby.cc: scale-to-zero. CheckIdleLocked parks an idle instance: stateless →
  // graceful stop, stateful → the parker thread snapshots it; either ends in standby (reason 7).
  void CheckIdleLocked(InstanceRecord* r);
  void ParkLocked(InstanceRecord* r);
  bool FinishParkLocked(InstanceRecord* r, const vmm::VmStatus& status);
  void ParkerLoop();
  // instance_ready_snapshot.cc: a fresh, listening VM of a stateless standby instance, saved as
  // its standby snapshot by the preparer thread.
  void QueueReadySnapshotLocked(InstanceRecord* r);
  bool StillPreparingLocked(const std::string& uuid, int64_t token);
  bool BootUntilListening(const vmm::LaunchSpec& spec, const std::string& uuid, int64_t token);
  void PreparerLoop();
  std::filesystem::path SnapshotPath(const std::string& uuid) const {
    return options_.instances_dir / uuid / "standby.snapshot";
  }
  // The instance's shared guest RAM file ("" when shared_memory_dir is unset); `suffix` ".ready"
  // names the ready-snapshot VM's. RemoveStandbyState deletes the snapshot and RAM files.
  std::filesystem::path SharedMemoryPath(const std::string& uuid,
                                         const std::string& suffix = "") const {
    if (options_.shared_memory_dir.empty()) return {};
    return options_.shared_memory_dir / (uuid + suffix + ".ram");
  }
  void RemoveStandbyState(const std::string& uuid);
  // Removes RAM files that no standby snapshot needs (at start and after shutdown).
  void SweepSharedMemoryLocked();
  // instance_templates.cc: the template a launch of `image` with `spec` can restore (false when
  // none fits); queued builds run on the templater thread; PrewarmTemplates queues the official
  // runtimes' at start.
  bool TemplateFor(const BootImage& image, const vmm::LaunchSpec& spec,
                   vmm::TemplateRequest* request);
  // Fills spec.template_key (and app layer, memory) when a template is ready, else queues its
  // build; false: boot.
  bool UseTemplate(const BootImage& image, vmm::LaunchSpec* spec);
  void TemplaterLoop();
  // instance_launch.cc
  Status BuildLaunchSpec(const InstanceRecord& r, vmm::LaunchSpec* spec,
                         BootImage* image = nullptr);
  // `*restored`: the VM resumes a snapshot taken while its app listened.
  Status LaunchVm(const InstanceRecord& snapshot, std::string* vm_id, bool* restored);
  int64_t NowMs() const { return options_.unix_ms(); }

  vmm::Vmm* vmm_;
  vmm::Clock* clock_;
  InstanceStore* store_;
  ImageSource* images_;
  ControllerOptions options_;

  std::mutex mu_;
  std::condition_variable changed_;   // any state change (waiters, launcher)
  Records records_;                   // by uuid
  std::deque<std::string> launches_;  // uuids with launch_pending, in order
  std::deque<std::string> parks_;     // uuids of stateful instances to snapshot into standby
  std::deque<std::string> prepares_;  // uuids of stateless standby instances to prepare
  int64_t next_prepare_token_ = 0;
  ConnectionTracker connections_;
  bool routes_dirty_ = true;
  uint64_t routes_seen_generation_ = ~uint64_t{0};
  std::map<std::string, proxy::ServiceRoute> published_;  // by group uuid
  int64_t next_sequence_ = 1;
  int next_network_index_ = 1;
  bool stopping_ = false;
  std::thread launcher_, supervisor_, parker_, preparer_, prober_, templater_;
  std::deque<vmm::TemplateRequest> template_queue_;  // builds for the templater thread
  std::set<std::string> templates_queued_;           // by request identity, while queued/built
  bool templater_running_ = true;
};

}  // namespace ukc::platform
