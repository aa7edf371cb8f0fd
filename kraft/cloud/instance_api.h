// The instance calls the `kraft cloud instance` commands share (kraft-cli.md §6.5). An argument
// is sent as {"uuid": …} when it has UUID syntax (36 characters, 8-4-4-4-12 hex), else as
// {"name": …}, as the G1 SDK decides.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/instance.h"
#include "api_client.h"
#include "base/status.h"

namespace kraft {

bool IsUuid(const std::string& text);
nlohmann::json IdentityItem(const std::string& uuid_or_name);
nlohmann::json IdentityItems(const std::vector<std::string>& uuids_or_names);

// GET /instances: every instance (no body) when `ids` is empty, else [{uuid|name}…]. `*out` gets
// the decoded items; on an API error it still gets what came back.
ukc::Status GetInstances(ApiClient& api, const std::vector<std::string>& ids, ApiResponse* resp,
                         std::vector<ukc::api::Instance>* out);

}  // namespace kraft
