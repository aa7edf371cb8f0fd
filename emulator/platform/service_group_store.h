// Durable service groups in the daemon's SQLite database (table `service_groups`: uuid, owner,
// name unique per owner, creation sequence, the record as JSON). Every Put is one committed
// transaction, as in InstanceStore.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/service_group.h"
#include "base/status.h"
#include "store/database.h"

namespace ukc::platform {

struct ServiceGroupRecord {
  std::string user;
  api::ServiceGroup group;
  int64_t sequence = 0;  // creation order, for stable listing
};

class ServiceGroupStore {
 public:
  explicit ServiceGroupStore(store::Database* db) : db_(db) {}
  Status Init();
  // Inserts or replaces. AlreadyExists when another group of the owner has the name.
  Status Put(const ServiceGroupRecord& record);
  Status Delete(const std::string& uuid);
  // Every record, in creation order. Unreadable rows are skipped and counted in `*skipped`.
  Status LoadAll(std::vector<ServiceGroupRecord>* out, int* skipped);

 private:
  store::Database* db_;
};

}  // namespace ukc::platform
