// `--rootfs-type erofs`: a directory → an EROFS image with Debian's mkfs.erofs (erofs-utils), all
// files owned by root, every timestamp 0 and a fixed UUID, so the same tree gives the same bytes.
// ukc-emu cannot boot EROFS initrds yet (the VMM refuses them with a clear error); real UKC can.
#pragma once

#include <filesystem>

#include "base/status.h"

namespace kraft {

// Unavailable when mkfs.erofs is missing ("install erofs-utils"); IoError when it fails.
ukc::Status WriteErofsFromDirectory(const std::filesystem::path& dir,
                                    const std::filesystem::path& out);

}  // namespace kraft
