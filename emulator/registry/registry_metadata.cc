#include "registry/registry_metadata.h"

#include <ctime>

namespace ukc::registry {

using store::Statement;
using store::Transaction;

namespace {
ManifestRecord ReadManifestRow(Statement& row) {
  ManifestRecord r;
  r.repository = row.Text(0);
  r.digest = *oci::Digest::Parse(row.Text(1));
  r.media_type = row.Text(2);
  r.size = row.Int(3);
  r.artifact_type = row.Text(4);
  r.annotations_json = row.Text(5);
  r.created_at = row.Int(6);
  return r;
}
constexpr char kManifestColumns[] =
    "repo, digest, media_type, size, artifact_type, annotations, created_at";
}  // namespace

Status RegistryMetadata::Init() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_->Exec(
      "CREATE TABLE IF NOT EXISTS repo_blobs(repo TEXT NOT NULL, digest TEXT NOT NULL,"
      " size INTEGER NOT NULL, linked_at INTEGER NOT NULL, PRIMARY KEY(repo, digest))"
      " WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS repo_blobs_digest ON repo_blobs(digest);"
      "CREATE TABLE IF NOT EXISTS manifests(repo TEXT NOT NULL, digest TEXT NOT NULL,"
      " media_type TEXT NOT NULL, size INTEGER NOT NULL, artifact_type TEXT NOT NULL DEFAULT '',"
      " subject TEXT, annotations TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
      " PRIMARY KEY(repo, digest)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS manifests_subject ON manifests(repo, subject);"
      "CREATE INDEX IF NOT EXISTS manifests_digest ON manifests(digest);"
      "CREATE TABLE IF NOT EXISTS manifest_refs(repo TEXT NOT NULL, manifest TEXT NOT NULL,"
      " child TEXT NOT NULL, PRIMARY KEY(repo, manifest, child)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS manifest_refs_child ON manifest_refs(repo, child);"
      "CREATE TABLE IF NOT EXISTS tags(repo TEXT NOT NULL, tag TEXT NOT NULL,"
      " digest TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(repo, tag)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS tags_digest ON tags(repo, digest);");
}

Status RegistryMetadata::LinkBlob(const std::string& repository, const oci::Digest& digest,
                                  int64_t size) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  return db_
      ->Prepare(
          "INSERT OR REPLACE INTO repo_blobs(repo, digest, size, linked_at) VALUES(?, ?, ?, ?)")
      .Bind(1, repository)
      .Bind(2, digest.ToString())
      .Bind(3, size)
      .Bind(4, static_cast<int64_t>(std::time(nullptr)))
      .Run();
}

std::optional<int64_t> RegistryMetadata::LinkedBlob(const std::string& repository,
                                                    const oci::Digest& digest) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT size FROM repo_blobs WHERE repo = ? AND digest = ?");
  select.Bind(1, repository).Bind(2, digest.ToString());
  if (!select.Step()) return std::nullopt;
  return select.Int(0);
}

bool RegistryMetadata::UnlinkBlob(const std::string& repository, const oci::Digest& digest) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  db_->Prepare("DELETE FROM repo_blobs WHERE repo = ? AND digest = ?")
      .Bind(1, repository)
      .Bind(2, digest.ToString())
      .Run();
  return db_->changes() > 0;
}

Status RegistryMetadata::PutManifest(const ManifestRecord& record,
                                     const oci::ParsedManifest& parsed, const std::string& tag) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  Transaction txn(db_);
  if (!txn.begin_status().ok()) return txn.begin_status();
  std::string digest = record.digest.ToString();
  auto insert = db_->Prepare(
      "INSERT OR IGNORE INTO manifests(repo, digest, media_type, size, artifact_type, subject,"
      " annotations, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  insert.Bind(1, record.repository).Bind(2, digest).Bind(3, record.media_type).Bind(4, record.size);
  insert.Bind(5, record.artifact_type);
  if (parsed.subject)
    insert.Bind(6, parsed.subject->ToString());
  else
    insert.BindNull(6);
  insert.Bind(7, record.annotations_json).Bind(8, record.created_at);
  if (Status s = insert.Run(); !s.ok()) return s;
  for (const auto* list : {&parsed.blobs, &parsed.manifests}) {
    for (const auto& child : *list) {
      auto ref = db_->Prepare(
          "INSERT OR IGNORE INTO manifest_refs(repo, manifest, child) VALUES(?, ?, ?)");
      if (Status s =
              ref.Bind(1, record.repository).Bind(2, digest).Bind(3, child.digest.ToString()).Run();
          !s.ok()) {
        return s;
      }
    }
  }
  if (!tag.empty()) {
    auto upsert = db_->Prepare(
        "INSERT OR REPLACE INTO tags(repo, tag, digest, updated_at) VALUES(?, ?, ?, ?)");
    upsert.Bind(1, record.repository).Bind(2, tag).Bind(3, digest);
    upsert.Bind(4, static_cast<int64_t>(std::time(nullptr)));
    if (Status s = upsert.Run(); !s.ok()) return s;
  }
  return txn.Commit();
}

std::optional<ManifestRecord> RegistryMetadata::FindManifest(const std::string& repository,
                                                             const oci::Digest& digest) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare(std::string("SELECT ") + kManifestColumns +
                             " FROM manifests WHERE repo = ? AND digest = ?");
  select.Bind(1, repository).Bind(2, digest.ToString());
  if (!select.Step()) return std::nullopt;
  return ReadManifestRow(select);
}

std::optional<ManifestRecord> RegistryMetadata::FindTag(const std::string& repository,
                                                        const std::string& tag) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare(
      "SELECT m.repo, m.digest, m.media_type, m.size, m.artifact_type, m.annotations,"
      " m.created_at FROM tags t JOIN manifests m ON m.repo = t.repo AND m.digest = t.digest"
      " WHERE t.repo = ? AND t.tag = ?");
  select.Bind(1, repository).Bind(2, tag);
  if (!select.Step()) return std::nullopt;
  return ReadManifestRow(select);
}

Status RegistryMetadata::DeleteManifest(const std::string& repository, const oci::Digest& digest,
                                        std::vector<oci::Digest>* released) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  Transaction txn(db_);
  if (!txn.begin_status().ok()) return txn.begin_status();
  std::string d = digest.ToString();
  auto remove = db_->Prepare("DELETE FROM manifests WHERE repo = ? AND digest = ?");
  if (Status s = remove.Bind(1, repository).Bind(2, d).Run(); !s.ok()) return s;
  if (db_->changes() == 0) return Status::NotFound("manifest " + d);
  released->push_back(digest);
  db_->Prepare("DELETE FROM tags WHERE repo = ? AND digest = ?")
      .Bind(1, repository)
      .Bind(2, d)
      .Run();
  db_->Prepare("DELETE FROM manifest_refs WHERE repo = ? AND manifest = ?")
      .Bind(1, repository)
      .Bind(2, d)
      .Run();
  return txn.Commit();
}

Status RegistryMetadata::UnlinkUnreferencedBlobs(int64_t linked_before,
                                                 std::vector<oci::Digest>* released) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  Transaction txn(db_);
  if (!txn.begin_status().ok()) return txn.begin_status();
  std::vector<std::pair<std::string, std::string>> stale;
  auto select = db_->Prepare(
      "SELECT repo, digest FROM repo_blobs b WHERE linked_at < ? AND NOT EXISTS"
      " (SELECT 1 FROM manifest_refs r WHERE r.repo = b.repo AND r.child = b.digest)");
  select.Bind(1, linked_before);
  while (select.Step()) stale.emplace_back(select.Text(0), select.Text(1));
  for (const auto& [repo, digest] : stale) {
    db_->Prepare("DELETE FROM repo_blobs WHERE repo = ? AND digest = ?")
        .Bind(1, repo)
        .Bind(2, digest)
        .Run();
    released->push_back(*oci::Digest::Parse(digest));
  }
  return txn.Commit();
}

bool RegistryMetadata::DeleteTag(const std::string& repository, const std::string& tag) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  db_->Prepare("DELETE FROM tags WHERE repo = ? AND tag = ?")
      .Bind(1, repository)
      .Bind(2, tag)
      .Run();
  return db_->changes() > 0;
}

bool RegistryMetadata::RepositoryExists(const std::string& repository) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare(
      "SELECT 1 FROM manifests WHERE repo = ?1 UNION ALL SELECT 1 FROM repo_blobs WHERE repo = ?1"
      " LIMIT 1");
  select.Bind(1, repository);
  return select.Step();
}

std::vector<std::string> RegistryMetadata::ListTags(const std::string& repository,
                                                    const std::string& last, int64_t limit) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select =
      db_->Prepare("SELECT tag FROM tags WHERE repo = ? AND tag > ? ORDER BY tag LIMIT ?");
  select.Bind(1, repository).Bind(2, last).Bind(3, limit);
  std::vector<std::string> tags;
  while (select.Step()) tags.push_back(select.Text(0));
  return tags;
}

std::vector<TagRecord> RegistryMetadata::ListAllTags() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT repo, tag, digest, updated_at FROM tags ORDER BY repo, tag");
  std::vector<TagRecord> tags;
  while (select.Step()) {
    tags.push_back(
        {select.Text(0), select.Text(1), *oci::Digest::Parse(select.Text(2)), select.Int(3)});
  }
  return tags;
}

std::vector<std::string> RegistryMetadata::ListRepositories() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select =
      db_->Prepare("SELECT repo FROM manifests UNION SELECT repo FROM repo_blobs ORDER BY 1");
  std::vector<std::string> repos;
  while (select.Step()) repos.push_back(select.Text(0));
  return repos;
}

std::vector<ManifestRecord> RegistryMetadata::Referrers(const std::string& repository,
                                                        const oci::Digest& subject) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare(std::string("SELECT ") + kManifestColumns +
                             " FROM manifests WHERE repo = ? AND subject = ? ORDER BY digest");
  select.Bind(1, repository).Bind(2, subject.ToString());
  std::vector<ManifestRecord> out;
  while (select.Step()) out.push_back(ReadManifestRow(select));
  return out;
}

bool RegistryMetadata::IsReferenced(const oci::Digest& digest) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare(
      "SELECT 1 FROM repo_blobs WHERE digest = ?1 UNION ALL SELECT 1 FROM manifests"
      " WHERE digest = ?1 LIMIT 1");
  select.Bind(1, digest.ToString());
  return select.Step();
}

}  // namespace ukc::registry
