#include "build/image_config.h"

namespace kraft::build {

void ImageConfig::SetEnv(const std::string& key, const std::string& value) {
  for (auto& kv : env) {
    if (kv.compare(0, key.size(), key) == 0 && kv.size() > key.size() && kv[key.size()] == '=') {
      kv = key + "=" + value;
      return;
    }
  }
  env.push_back(key + "=" + value);
}

std::optional<std::string> ImageConfig::GetEnv(const std::string& key) const {
  for (const auto& kv : env) {
    if (kv.compare(0, key.size(), key) == 0 && kv.size() > key.size() && kv[key.size()] == '=') {
      return kv.substr(key.size() + 1);
    }
  }
  return std::nullopt;
}

nlohmann::json ImageConfigToJson(const ImageConfig& c) {
  nlohmann::json j = nlohmann::json::object();
  if (!c.entrypoint.empty()) j["Entrypoint"] = c.entrypoint;
  if (!c.cmd.empty()) j["Cmd"] = c.cmd;
  if (!c.env.empty()) j["Env"] = c.env;
  if (!c.working_dir.empty()) j["WorkingDir"] = c.working_dir;
  if (!c.labels.empty()) j["Labels"] = c.labels;
  if (!c.exposed_ports.empty()) {
    nlohmann::json ports = nlohmann::json::object();
    for (const auto& p : c.exposed_ports) ports[p] = nlohmann::json::object();
    j["ExposedPorts"] = ports;
  }
  if (!c.user.empty()) j["User"] = c.user;
  if (!c.shell.empty()) j["Shell"] = c.shell;
  return j;
}

namespace {

std::vector<std::string> Strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key) || !j[key].is_array()) return out;
  for (const auto& v : j[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string String(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

ImageConfig ImageConfigFromJson(const nlohmann::json& j) {
  ImageConfig c;
  if (!j.is_object()) return c;
  c.entrypoint = Strings(j, "Entrypoint");
  c.cmd = Strings(j, "Cmd");
  c.env = Strings(j, "Env");
  c.shell = Strings(j, "Shell");
  c.working_dir = String(j, "WorkingDir");
  c.user = String(j, "User");
  if (j.contains("Labels") && j["Labels"].is_object()) {
    for (const auto& [k, v] : j["Labels"].items()) {
      if (v.is_string()) c.labels[k] = v.get<std::string>();
    }
  }
  if (j.contains("ExposedPorts") && j["ExposedPorts"].is_object()) {
    for (const auto& [k, v] : j["ExposedPorts"].items()) c.exposed_ports.insert(k);
  }
  return c;
}

}  // namespace kraft::build
