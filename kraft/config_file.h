// Reads the cloud credentials kraftkit keeps in config.yaml (`kraft login index.unikraft.io`):
//   auth: {index.unikraft.io: {user: robot$<user>.users.kraftcloud, token: <secret>, …}}
#pragma once

#include <optional>
#include <string>

namespace kraft {

// The UKC token (base64 of "<user>:<token>") from `auth["index.unikraft.io"]`; nullopt when the
// file, the entry or either field is missing, or the file is not YAML.
std::optional<std::string> TokenFromConfigFile(const std::string& path);

}  // namespace kraft
