// The data directory's layout (docs/storage.md), and small durable-file helpers.
//   <root>/ukc-emu.db            SQLite: users, settings, registry metadata
//   <root>/registry/blobs/       content by digest
//   <root>/registry/uploads/     upload sessions in progress (temp files)
//   <root>/run/daemon.json       addresses of the running daemon; run/lock held while it runs
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace ukc::store {

class DataDir {
 public:
  explicit DataDir(std::filesystem::path root) : root_(std::move(root)) {}
  // $XDG_DATA_HOME/ukc-emu, else ~/.local/share/ukc-emu.
  static std::filesystem::path DefaultRoot();

  Status Create() const;
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path database() const { return root_ / "ukc-emu.db"; }
  std::filesystem::path blobs() const { return root_ / "registry" / "blobs"; }
  std::filesystem::path uploads() const { return root_ / "registry" / "uploads"; }
  std::filesystem::path run() const { return root_ / "run"; }
  std::filesystem::path daemon_info() const { return run() / "daemon.json"; }
  std::filesystem::path lock_file() const { return run() / "lock"; }

  // Takes an exclusive lock on run/lock for the life of the process; Unavailable if held.
  Status LockForDaemon();

 private:
  std::filesystem::path root_;
  int lock_fd_ = -1;
};

// Writes `content` to `path` atomically: temp file, fsync, rename, fsync of the directory.
Status WriteFileAtomically(const std::filesystem::path& path, const std::string& content);
Status ReadFile(const std::filesystem::path& path, std::string* content);
// fsyncs a directory so a rename inside it is durable.
Status SyncDirectory(const std::filesystem::path& dir);

}  // namespace ukc::store
