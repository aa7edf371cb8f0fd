// Rootfs → CPIO newc initramfs (kraft-cli.md §10.2, image-format.md §2.1), via libarchive.
// Names are absolute ("/src/server.py", as kraftkit's Dockerfile path writes them; the root itself
// is not an entry); uid/gid 0, mtime 0, dev 0, inode numbers assigned in order: the same tree gives
// the same bytes. Directories, regular files (permission bits kept), symlinks (target as data)
// and hard links (first name carries the data, later names size 0, same inode, nlink = count)
// are kept; block/char devices, FIFOs and sockets are skipped with a warning. The output is
// padded with zeros to a 512-byte boundary and written atomically (temp file + rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

struct CpioResult {
  uint64_t size = 0;                  // bytes of the padded archive
  std::string digest;                 // "sha256:…" of those bytes
  uint64_t entries = 0;               // entries written (without the trailer)
  std::vector<std::string> warnings;  // "skipping device file /dev/null"
};

// Walks `dir` in sorted path order (symlinks are not followed).
ukc::Status WriteCpioFromDirectory(const std::filesystem::path& dir,
                                   const std::filesystem::path& out, CpioResult* result);

// Re-packs a tarball (plain or compressed, any format libarchive reads) entry by entry, in the
// tarball's order; "./a", "a" and "/a" all become "/a".
ukc::Status WriteCpioFromTarball(const std::filesystem::path& tarball,
                                 const std::filesystem::path& out, CpioResult* result);

// True when the file starts with the newc magic "070701" / "070702".
bool IsCpioFile(const std::filesystem::path& file);

// sha256 of a file, "sha256:…".
ukc::Status FileDigest(const std::filesystem::path& file, std::string* digest, uint64_t* size);

}  // namespace kraft
