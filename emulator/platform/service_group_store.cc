#include "platform/service_group_store.h"

namespace ukc::platform {

Status ServiceGroupStore::Init() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Exec(
      "CREATE TABLE IF NOT EXISTS service_groups(uuid TEXT PRIMARY KEY, owner TEXT NOT NULL,"
      " name TEXT NOT NULL, sequence INTEGER NOT NULL, record TEXT NOT NULL,"
      " UNIQUE(owner, name));");
}

Status ServiceGroupStore::Put(const ServiceGroupRecord& record) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto put = db_->Prepare(
      "INSERT INTO service_groups(uuid, owner, name, sequence, record) VALUES(?, ?, ?, ?, ?)"
      " ON CONFLICT(uuid) DO UPDATE SET name = excluded.name, record = excluded.record");
  put.Bind(1, record.group.uuid)
      .Bind(2, record.user)
      .Bind(3, record.group.name)
      .Bind(4, record.sequence)
      .Bind(5, nlohmann::json{{"user", record.user}, {"group", api::ToJson(record.group)}}.dump());
  Status s = put.Run();
  if (!s.ok() && s.message().find("UNIQUE") != std::string::npos) {
    return Status::AlreadyExists("A service group with name '" + record.group.name +
                                 "' already exists");
  }
  return s;
}

Status ServiceGroupStore::Delete(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Prepare("DELETE FROM service_groups WHERE uuid = ?").Bind(1, uuid).Run();
}

Status ServiceGroupStore::LoadAll(std::vector<ServiceGroupRecord>* out, int* skipped) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT record, sequence FROM service_groups ORDER BY sequence");
  *skipped = 0;
  while (select.Step()) {
    auto j = nlohmann::json::parse(select.Text(0), nullptr, false);
    ServiceGroupRecord record;
    if (j.is_object() && j.contains("user") && j["user"].is_string() && j.contains("group")) {
      record.user = j["user"].get<std::string>();
      record.group = api::ServiceGroupFromJson(j["group"]);
      record.sequence = select.Int(1);
    }
    if (record.user.empty() || record.group.uuid.empty()) {
      ++*skipped;
      continue;
    }
    out->push_back(std::move(record));
  }
  return select.status();
}

}  // namespace ukc::platform
