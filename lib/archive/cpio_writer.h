// Writing small newc cpio archives in memory (the per-launch parameter archive appended to a
// guest initrd). Entries are owned by 0:0; the result is padded to a 4-byte multiple.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace ukc::archive {

struct CpioEntry {
  std::string path;  // relative, e.g. "ukc/argv"
  std::string content;
  bool directory = false;
  unsigned mode = 0644;  // permission bits (0755 for directories)
};

// Serializes `entries` in order as a newc archive with a trailer into `*out`.
Status WriteNewcCpio(const std::vector<CpioEntry>& entries, std::string* out);

}  // namespace ukc::archive
