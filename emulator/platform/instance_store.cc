#include "platform/instance_store.h"

namespace ukc::platform {

Status InstanceStore::Init() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Exec(
      "CREATE TABLE IF NOT EXISTS instances(uuid TEXT PRIMARY KEY, owner TEXT NOT NULL,"
      " name TEXT NOT NULL, sequence INTEGER NOT NULL, record TEXT NOT NULL,"
      " UNIQUE(owner, name));");
}

Status InstanceStore::Put(const InstanceRecord& record) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto put = db_->Prepare(
      "INSERT INTO instances(uuid, owner, name, sequence, record) VALUES(?, ?, ?, ?, ?)"
      " ON CONFLICT(uuid) DO UPDATE SET name = excluded.name, record = excluded.record");
  put.Bind(1, record.view.uuid)
      .Bind(2, record.user)
      .Bind(3, record.view.name)
      .Bind(4, record.sequence)
      .Bind(5, RecordToJson(record).dump());
  Status s = put.Run();
  if (!s.ok() && s.message().find("UNIQUE") != std::string::npos) {
    return Status::AlreadyExists("instance name '" + record.view.name + "' is taken");
  }
  return s;
}

Status InstanceStore::Delete(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Prepare("DELETE FROM instances WHERE uuid = ?").Bind(1, uuid).Run();
}

Status InstanceStore::LoadAll(std::vector<InstanceRecord>* out, int* skipped) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT record FROM instances ORDER BY sequence");
  *skipped = 0;
  while (select.Step()) {
    InstanceRecord record;
    auto j = nlohmann::json::parse(select.Text(0), nullptr, false);
    if (RecordFromJson(j, &record)) {
      out->push_back(std::move(record));
    } else {
      ++*skipped;
    }
  }
  return select.status();
}

}  // namespace ukc::platform
