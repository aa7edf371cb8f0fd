#include "platform/autoscale_store.h"

namespace ukc::platform {

using nlohmann::json;

Status AutoscaleStore::Init() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Exec(
      "CREATE TABLE IF NOT EXISTS autoscale_configs(group_uuid TEXT PRIMARY KEY,"
      " owner TEXT NOT NULL, sequence INTEGER NOT NULL, record TEXT NOT NULL);");
}

Status AutoscaleStore::Put(const AutoscaleRecord& r) {
  json record = {{"user", r.user}, {"config", api::ToJson(r.config)}, {"created", r.created}};
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_
      ->Prepare(
          "INSERT INTO autoscale_configs(group_uuid, owner, sequence, record) VALUES(?, ?, ?, ?)"
          " ON CONFLICT(group_uuid) DO UPDATE SET record = excluded.record")
      .Bind(1, r.config.uuid)
      .Bind(2, r.user)
      .Bind(3, r.sequence)
      .Bind(4, record.dump())
      .Run();
}

Status AutoscaleStore::Delete(const std::string& group_uuid) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Prepare("DELETE FROM autoscale_configs WHERE group_uuid = ?")
      .Bind(1, group_uuid)
      .Run();
}

Status AutoscaleStore::LoadAll(std::vector<AutoscaleRecord>* out, int* skipped) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT record, sequence FROM autoscale_configs ORDER BY sequence");
  *skipped = 0;
  while (select.Step()) {
    auto j = json::parse(select.Text(0), nullptr, false);
    AutoscaleRecord r;
    if (j.is_object() && j.value("user", json()).is_string() && j.contains("config")) {
      r.user = j["user"].get<std::string>();
      r.config = api::AutoscaleConfigFromJson(j["config"]);
      auto created = j.find("created");
      if (created != j.end() && created->is_array()) {
        for (const auto& c : *created) {
          if (c.is_string()) r.created.push_back(c.get<std::string>());
        }
      }
      r.sequence = select.Int(1);
    }
    if (r.user.empty() || r.config.uuid.empty() || !r.config.enabled) {
      ++*skipped;
      continue;
    }
    out->push_back(std::move(r));
  }
  return select.status();
}

}  // namespace ukc::platform
