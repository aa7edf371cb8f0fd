// Users of the emulator and their secrets (the second half of a UKC token). Durable in SQLite.
// The first start creates user "local". Secrets never change, so found users are cached (every
// API request verifies its token); users added by another process are found on first use.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/token.h"
#include "base/status.h"
#include "store/database.h"

namespace ukc::store {

class UserStore {
 public:
  explicit UserStore(Database* db) : db_(db) {}
  Status Init();
  // Creates `name` with a fresh secret; AlreadyExists when present.
  Status Add(const std::string& name, auth::Credentials* out);
  std::optional<auth::Credentials> Find(const std::string& name);
  // Whether `c` names a user and its secret matches (constant-time comparison).
  bool Verify(const auth::Credentials& c);
  std::vector<std::string> List();
  // A random value kept across restarts, created on first use (e.g. a signing key).
  std::string Setting(const std::string& key, size_t random_bytes_if_absent);

 private:
  Database* db_;
  std::mutex cache_mu_;
  std::map<std::string, auth::Credentials> cache_;  // user → credentials, once found
};

}  // namespace ukc::store
