// Durable autoscale configurations in the daemon's SQLite database (table `autoscale_configs`:
// the service group's uuid, owner, creation sequence, the record as JSON). One configuration per
// service group; every Put is one committed statement, as in ServiceGroupStore.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/autoscale.h"
#include "base/status.h"
#include "store/database.h"

namespace ukc::platform {

struct AutoscaleRecord {
  std::string user;
  api::AutoscaleConfig config;       // config.uuid is the service group's uuid
  std::vector<std::string> created;  // instances the autoscaler created, oldest first
  int64_t sequence = 0;              // creation order, for stable listing
};

class AutoscaleStore {
 public:
  explicit AutoscaleStore(store::Database* db) : db_(db) {}
  Status Init();
  Status Put(const AutoscaleRecord& record);  // inserts or replaces
  Status Delete(const std::string& group_uuid);
  // Every record, in creation order. Unreadable rows are skipped and counted in `*skipped`.
  Status LoadAll(std::vector<AutoscaleRecord>* out, int* skipped);

 private:
  store::Database* db_;
};

}  // namespace ukc::platform
