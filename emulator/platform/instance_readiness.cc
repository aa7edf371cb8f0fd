// Routing readiness: the proxy routes a guest port of an instance only once its app has been seen
// listening there. Under QEMU user networking the host end of a forward accepts even while
// nothing listens in the guest (and then closes), so "running" (the app was started) is not
// enough. ukc-init watches the forwarded ports and reports each one as it starts to listen; for
// guests that do not report (images whose ukc-init predates it, other inits) the prober thread
// probes the ports from the host. A VM restored from a snapshot taken while listening listens
// at once.
#include <thread>

#include "log.h"
#include "platform/instance_controller.h"

namespace ukc::platform {

namespace {

constexpr auto kProbeEvery = std::chrono::milliseconds(25);

// Running with a guest port not seen listening yet.
bool AwaitsListening(const InstanceRecord& r) {
  return r.view.state == api::kStateRunning && !r.vm_id.empty() && !r.AllPortsListening();
}

}  // namespace

void InstanceController::NoteListeningLocked(InstanceRecord* r, const vmm::VmStatus& status) {
  if (r->AllPortsListening()) return;
  bool was_waiting = !r->host_ports.empty();
  std::set<int> before = r->listening_ports;
  if (r->restored || (!status.reports_listening && !options_.port_ready)) {
    for (const auto& [guest, host] : r->host_ports) r->listening_ports.insert(guest);
  } else if (status.reports_listening) {
    r->guest_reports = true;
    for (int port : status.listening_ports) {
      if (r->host_ports.count(port)) r->listening_ports.insert(port);
    }
  }
  if (r->listening_ports == before) return;
  if (was_waiting && r->AllPortsListening()) {
    r->active_at_ms = connections_.NowMs();  // scale-to-zero idleness counts from here
    Log(LogLevel::kDebug, "instance " + r->view.name + ": listening; routed");
  }
  routes_dirty_ = true;
  changed_.notify_all();  // connections held for the group (Wake) look again
}

void InstanceController::ProberLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // Guests that do not report: (instance, VM, guest port → host port) still to confirm.
    struct Probe {
      std::string uuid, vm_id;
      int guest = 0, host = 0;
    };
    std::vector<Probe> probes;
    if (options_.port_ready) {
      for (const auto& [uuid, r] : records_) {
        if (!AwaitsListening(*r) || r->guest_reports || r->restored) continue;
        vmm::VmStatus status;
        if (vmm_->GetStatus(r->vm_id, &status).ok() && status.reports_listening) continue;
        for (const auto& [guest, host] : r->host_ports) {
          if (!r->listening_ports.count(guest)) probes.push_back({uuid, r->vm_id, guest, host});
        }
      }
    }
    if (probes.empty()) {
      changed_.wait_for(lock, std::chrono::milliseconds(250));
      continue;
    }
    lock.unlock();
    std::vector<Probe> listening;
    for (const auto& p : probes) {
      if (options_.port_ready(p.host)) listening.push_back(p);
    }
    lock.lock();
    for (const auto& p : listening) {
      auto it = records_.find(p.uuid);
      if (it == records_.end() || it->second->vm_id != p.vm_id) continue;
      InstanceRecord* r = it->second.get();
      r->listening_ports.insert(p.guest);
      if (r->AllPortsListening()) {
        r->active_at_ms = connections_.NowMs();
        Log(LogLevel::kDebug, "instance " + r->view.name + ": listening (probed); routed");
      }
      routes_dirty_ = true;
      changed_.notify_all();
    }
    if (!listening.empty()) PublishChangedRoutesLocked();
    lock.unlock();
    std::this_thread::sleep_for(kProbeEvery);
    lock.lock();
  }
}

bool InstanceController::VmListening(const vmm::VmStatus& status) {
  for (const auto& [guest, host] : status.host_ports) {
    bool listens = status.reports_listening ? status.listening_ports.count(guest) > 0
                                            : (!options_.port_ready || options_.port_ready(host));
    if (!listens) return false;
  }
  return true;
}

}  // namespace ukc::platform
