#include "config_file.h"

#include <yaml-cpp/yaml.h>

#include "base/encoding.h"

namespace kraft {

std::optional<std::string> TokenFromConfigFile(const std::string& path) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    YAML::Node entry = root["auth"]["index.unikraft.io"];
    if (!entry || !entry.IsMap() || !entry["user"] || !entry["token"]) return std::nullopt;
    std::string user = entry["user"].as<std::string>();
    std::string secret = entry["token"].as<std::string>();
    if (user.empty() || secret.empty()) return std::nullopt;
    return ukc::Base64Encode(user + ":" + secret);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

}  // namespace kraft
