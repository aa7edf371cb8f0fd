#include "cloud/instance_api.h"

#include <cctype>

namespace kraft {

bool IsUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

nlohmann::json IdentityItem(const std::string& uuid_or_name) {
  return {{IsUuid(uuid_or_name) ? "uuid" : "name", uuid_or_name}};
}

nlohmann::json IdentityItems(const std::vector<std::string>& uuids_or_names) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& id : uuids_or_names) items.push_back(IdentityItem(id));
  return items;
}

ukc::Status GetInstances(ApiClient& api, const std::vector<std::string>& ids, ApiResponse* resp,
                         std::vector<ukc::api::Instance>* out) {
  std::string body = ids.empty() ? "" : IdentityItems(ids).dump();
  ukc::Status s = api.Get("/instances", body, resp);
  out->clear();
  for (const auto& item : resp->items) out->push_back(ukc::api::InstanceFromJson(item));
  return s;
}

}  // namespace kraft
