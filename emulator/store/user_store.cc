#include "store/user_store.h"

#include <openssl/crypto.h>

#include <ctime>

#include "base/encoding.h"

namespace ukc::store {

Status UserStore::Init() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  Status s = db_->Exec(
      "CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, secret TEXT NOT NULL,"
      " created_at INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);");
  if (!s.ok()) return s;
  db_->Prepare("INSERT OR IGNORE INTO users(name, secret, created_at) VALUES('local', ?, ?)")
      .Bind(1, RandomHex(24))
      .Bind(2, static_cast<int64_t>(std::time(nullptr)))
      .Run();
  return Status::Ok();
}

Status UserStore::Add(const std::string& name, auth::Credentials* out) {
  if (!auth::IsValidUserName(name)) {
    return Status::InvalidArgument("invalid user name '" + name +
                                   "': use lower-case letters, digits and '-' (not 'official')");
  }
  std::lock_guard<std::mutex> lock(db_->mutex());
  std::string secret = RandomHex(24);
  auto insert = db_->Prepare("INSERT INTO users(name, secret, created_at) VALUES(?, ?, ?)");
  insert.Bind(1, name).Bind(2, secret).Bind(3, static_cast<int64_t>(std::time(nullptr)));
  if (!insert.Run().ok()) return Status::AlreadyExists("user '" + name + "' already exists");
  *out = auth::Credentials{name, secret};
  return Status::Ok();
}

std::optional<auth::Credentials> UserStore::Find(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  }
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT secret FROM users WHERE name = ?");
  select.Bind(1, name);
  if (!select.Step()) return std::nullopt;
  auth::Credentials found{name, select.Text(0)};
  std::lock_guard<std::mutex> cache_lock(cache_mu_);
  cache_[name] = found;
  return found;
}

bool UserStore::Verify(const auth::Credentials& c) {
  auto stored = Find(c.user);
  if (!stored || stored->secret.size() != c.secret.size()) return false;
  return CRYPTO_memcmp(stored->secret.data(), c.secret.data(), c.secret.size()) == 0;
}

std::vector<std::string> UserStore::List() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  std::vector<std::string> names;
  auto select = db_->Prepare("SELECT name FROM users ORDER BY name");
  while (select.Step()) names.push_back(select.Text(0));
  return names;
}

std::string UserStore::Setting(const std::string& key, size_t random_bytes_if_absent) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  db_->Prepare("INSERT OR IGNORE INTO settings(key, value) VALUES(?, ?)")
      .Bind(1, key)
      .Bind(2, RandomHex(random_bytes_if_absent))
      .Run();
  auto select = db_->Prepare("SELECT value FROM settings WHERE key = ?");
  select.Bind(1, key);
  return select.Step() ? select.Text(0) : std::string();
}

}  // namespace ukc::store
