// The instances a batch request names, in every client generation's shape (ukc-api.md §2.4):
// local scope (`/instances/{uuid-or-name}/…`, parameters in a JSON object body or in the query),
// global scope (a JSON array of {uuid|name, params…}, or a single such object), or query filters
// (`?uuid=a&uuid=b&name=c`). Identity quirks are accepted: "" and null count as absent; a uuid
// must be UUID-shaped. Per-item identity problems become item errors, not request errors.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "http/exchange.h"

namespace ukc::platform {

struct Target {
  std::string uuid, name;
  nlohmann::json params = nlohmann::json::object();  // the item's other fields
  std::optional<nlohmann::json> error;               // an item error to answer as is
  nlohmann::json Identity() const;                   // {"uuid"} or {"name"} as given
};

// The response item for target `t` failing with `s` (the API's per-item error shape).
nlohmann::json ItemFailure(const Status& s, const Target& t);

class ApiCall;
// The targets of a GET/DELETE batch endpoint (ParseTargets on the call's body, no parameters);
// `*none` when nothing was named. False when the call was answered already (400).
bool ReadTargets(ApiCall& call, const std::string& path_id, std::vector<Target>* targets,
                 bool* none);
// The targets of a batch endpoint that needs at least one (ParseTargets on the call's body);
// false when the call was answered already (400).
bool NamedTargets(ApiCall& call, const std::string& path_id, const std::set<std::string>& params,
                  std::vector<Target>* targets);

bool IsUuid(const std::string& text);

// `path_id`: the id from a local-scope path ("" for global scope). `params` lists the parameter
// names the endpoint accepts (typed by `integer_params`/`bool_params` when they come from the
// query). Sets `*none` when nothing was named (list-all). False with `*error` on a whole-request
// error (wrong body shape, unknown or ill-typed field).
bool ParseTargets(const nlohmann::json& body, const http::Exchange& ex, const std::string& path_id,
                  const std::set<std::string>& params, std::vector<Target>* out, bool* none,
                  std::string* error);

}  // namespace ukc::platform
