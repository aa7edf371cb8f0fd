// A one-shot QMP client over the instance's unix socket: connect, negotiate capabilities, run
// one command, disconnect. Socket paths longer than sun_path allows are reached through
// /proc/self/fd/<dir fd>/<name>.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace ukc::vmm {

// Sends {"execute": command} and waits (up to `timeout`) for its return. Unavailable when the
// socket cannot be reached, Internal when QEMU answers with an error.
Status QmpExecute(const std::filesystem::path& socket, const std::string& command,
                  std::chrono::milliseconds timeout);
// Sends `command` ({"execute": …, "arguments": {…}}) and returns its "return" value in `result`
// (may be null).
Status QmpCall(const std::filesystem::path& socket, const nlohmann::json& command,
               std::chrono::milliseconds timeout, nlohmann::json* result);

}  // namespace ukc::vmm
