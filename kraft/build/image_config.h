// ImageConfig: the OCI image config fields a Dockerfile build produces (and a base image brings),
// with a JSON form (the OCI `config` object's field names) for the build cache and packagers.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kraft::build {

struct ImageConfig {
  std::vector<std::string> entrypoint;        // Entrypoint
  std::vector<std::string> cmd;               // Cmd
  std::vector<std::string> env;               // Env, "K=V", in order, keys unique
  std::string working_dir;                    // WorkingDir ("" when never set)
  std::map<std::string, std::string> labels;  // Labels
  std::set<std::string> exposed_ports;        // ExposedPorts keys: "8080/tcp"
  std::string user;                           // User
  std::vector<std::string> shell;             // Shell (SHELL), empty = ["/bin/sh", "-c"]

  // Sets K=V in env (replacing an existing K in place) / the value of K, if set.
  void SetEnv(const std::string& key, const std::string& value);
  std::optional<std::string> GetEnv(const std::string& key) const;
};

// {"Entrypoint": […], "Cmd": […], "Env": […], "WorkingDir": …, "Labels": {…},
//  "ExposedPorts": {"8080/tcp": {}}, "User": …, "Shell": […]}; empty fields omitted.
nlohmann::json ImageConfigToJson(const ImageConfig& config);
// Reads the same shape (missing or null fields are empty); throws nothing.
ImageConfig ImageConfigFromJson(const nlohmann::json& json);

}  // namespace kraft::build
