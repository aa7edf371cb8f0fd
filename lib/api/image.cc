#include "api/image.h"

namespace ukc::api {

using nlohmann::json;

json ToJson(const Image& image) {
  return {{"digest", image.digest},
          {"url", image.digest},
          {"tags", image.tags},
          {"initrd", image.initrd},
          {"initrd_or_rom", image.initrd},
          {"size_in_bytes", image.size_in_bytes},
          {"args", image.args},
          {"kernel_args", image.kernel_args},
          {"labels", image.labels},
          {"created_at", image.created_at}};
}

Image ImageFromJson(const json& j) {
  Image image;
  if (!j.is_object()) return image;
  image.digest = j.value("digest", "");
  if (auto it = j.find("tags"); it != j.end() && it->is_array()) {
    for (const auto& t : *it) {
      if (t.is_string()) image.tags.push_back(t.get<std::string>());
    }
  }
  image.initrd = j.value("initrd", false);
  image.size_in_bytes = j.value("size_in_bytes", int64_t{0});
  image.args = j.value("args", "");
  image.kernel_args = j.value("kernel_args", "");
  image.created_at = j.value("created_at", "");
  if (auto it = j.find("labels"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) image.labels[k] = v.get<std::string>();
    }
  }
  return image;
}

}  // namespace ukc::api
