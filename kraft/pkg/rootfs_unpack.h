// Unpacks a rootfs archive into a directory, safely: a CPIO newc initrd (several concatenated
// archives are unpacked in order, later files replacing earlier ones, as Linux does; compressed
// ones via libarchive's filters) or a tarball. Names are taken relative to `dir`; an entry whose
// path has a ".." component, or whose parent inside `dir` is a symlink, is refused (Corruption),
// so nothing is ever written outside `dir`. Owners are not restored; permission bits are
// (directories keep u+rwx so later entries can be written); devices and FIFOs are skipped.
#pragma once

#include <filesystem>

#include "base/status.h"

namespace kraft {

ukc::Status UnpackRootfsArchive(const std::filesystem::path& archive,
                                const std::filesystem::path& dir);

}  // namespace kraft
