#include "platform/instance_record.h"

#include <algorithm>

namespace ukc::platform {

using nlohmann::json;

bool InstanceRecord::delete_on_stop() const {
  return std::find(features.begin(), features.end(), "delete-on-stop") != features.end();
}

json RecordToJson(const InstanceRecord& r) {
  json services = json::array();
  for (const auto& s : r.services) {
    services.push_back(
        {{"port", s.port}, {"destination_port", s.destination_port}, {"handlers", s.handlers}});
  }
  return {{"user", r.user},
          {"view", api::ToJson(r.view)},
          {"image_repository", r.image_repository},
          {"image_digest", r.image_digest},
          {"features", r.features},
          {"services", services},
          {"sequence", r.sequence},
          {"network_index", r.network_index},
          {"vm_id", r.vm_id},
          {"running_since_ms", r.running_since_ms},
          {"uptime_before_ms", r.uptime_before_ms},
          {"restart_at_ms", r.restart_at_ms},
          {"stop_request", r.stop_request},
          {"launch_pending", r.launch_pending},
          {"restarting", r.restarting},
          {"drain_until_ms", r.drain_until_ms},
          {"standby_snapshot", r.standby_snapshot}};
}

bool RecordFromJson(const json& j, InstanceRecord* out) {
  if (!j.is_object() || !j.contains("view")) return false;
  try {
    out->user = j.at("user").get<std::string>();
    out->view = api::InstanceFromJson(j.at("view"));
    out->image_repository = j.value("image_repository", "");
    out->image_digest = j.value("image_digest", "");
    out->features = j.value("features", std::vector<std::string>{});
    for (const auto& s : j.value("services", json::array())) {
      out->services.push_back({s.value("port", 0), s.value("destination_port", 0),
                               s.value("handlers", std::vector<std::string>{})});
    }
    out->sequence = j.value("sequence", int64_t{0});
    out->network_index = j.value("network_index", 0);
    out->vm_id = j.value("vm_id", "");
    out->running_since_ms = j.value("running_since_ms", int64_t{0});
    out->uptime_before_ms = j.value("uptime_before_ms", int64_t{0});
    out->restart_at_ms = j.value("restart_at_ms", int64_t{0});
    out->stop_request = j.value("stop_request", 0);
    out->launch_pending = j.value("launch_pending", false);
    out->restarting = j.value("restarting", false);
    out->drain_until_ms = j.value("drain_until_ms", int64_t{0});
    out->standby_snapshot = j.value("standby_snapshot", false);
  } catch (const json::exception&) {
    return false;
  }
  return !out->view.uuid.empty();
}

}  // namespace ukc::platform
