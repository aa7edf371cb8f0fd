// An image as GET /v1/images/list reports it (shared by ukc-emu and kraft). ToJson also emits the
// names newer SDKs read: `url` (= digest), `initrd_or_rom` (= initrd), `created_at`. `args` stays
// a string, as kraftkit parses it.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ukc::api {

struct Image {
  std::string digest;             // "<namespace>/<app>@sha256:…"
  std::vector<std::string> tags;  // "<user>/<app>:<tag>"; official ones without "official/"
  bool initrd = false;
  int64_t size_in_bytes = 0;
  std::string args;         // the default application arguments, space-joined (a string!)
  std::string kernel_args;  // kernel parameters (before "--" in Cmd)
  std::map<std::string, std::string> labels;
  std::string created_at;  // RFC3339: when the image was pushed (tagged); newer SDKs require it
};

nlohmann::json ToJson(const Image& image);
// Lenient: missing fields keep their defaults.
Image ImageFromJson(const nlohmann::json& j);

}  // namespace ukc::api
