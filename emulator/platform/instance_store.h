// Durable instance records in the daemon's SQLite database (table `instances`: uuid, owner,
// name unique per owner, the record as JSON). Every Put is one committed transaction, so a record
// is either the old or the new version after kill -9.
#pragma once

#include <vector>

#include "base/status.h"
#include "platform/instance_record.h"
#include "store/database.h"

namespace ukc::platform {

class InstanceStore {
 public:
  explicit InstanceStore(store::Database* db) : db_(db) {}
  Status Init();
  // Inserts or replaces. AlreadyExists when another instance of the owner has the name.
  Status Put(const InstanceRecord& record);
  Status Delete(const std::string& uuid);
  // Every record, in creation order. Unreadable rows are skipped and counted in `*skipped`.
  Status LoadAll(std::vector<InstanceRecord>* out, int* skipped);

 private:
  store::Database* db_;
};

}  // namespace ukc::platform
