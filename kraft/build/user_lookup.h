// Users and groups as a stage's rootfs knows them (its /etc/passwd and /etc/group), for
// `COPY --chown=user:group` and `USER`. Numeric ids need no files.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "base/status.h"

namespace kraft::build {

// Parses "user", "user:group", "1000", "1000:1000". Without a group the gid is the uid's number
// (as Docker documents); NotFound (naming the missing one) when a name is not in the rootfs' files.
ukc::Status LookupUser(const std::filesystem::path& rootfs, const std::string& spec, uid_t* uid,
                       gid_t* gid);

}  // namespace kraft::build
