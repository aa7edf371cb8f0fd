// A thin SQLite wrapper: one connection (WAL, synchronous=FULL, busy timeout), prepared
// statements, transactions. Callers serialize access with mutex(); the connection is not shared
// across threads otherwise.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ukc::store {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindNull(int index);
  // Steps once: true when a row is available. Errors are kept in status().
  bool Step();
  // Runs a statement that returns no rows.
  Status Run();
  std::string Text(int column) const;
  int64_t Int(int column) const;
  bool IsNull(int column) const;
  const Status& status() const { return status_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

class Database {
 public:
  static Status Open(const std::string& path, std::unique_ptr<Database>* out);
  ~Database();
  Status Exec(std::string_view sql);
  Statement Prepare(std::string_view sql) { return Statement(db_, sql); }
  std::mutex& mutex() { return mutex_; }
  int64_t changes() const { return sqlite3_changes(db_); }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::mutex mutex_;
};

// BEGIN IMMEDIATE … COMMIT; rolls back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database* db);
  ~Transaction();
  Status Commit();
  const Status& begin_status() const { return begin_; }

 private:
  Database* db_;
  Status begin_;
  bool done_ = false;
};

}  // namespace ukc::store
