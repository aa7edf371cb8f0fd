#include "platform/instance_targets.h"

#include <cctype>

#include "api/envelope.h"
#include "platform/api_call.h"

namespace ukc::platform {

using nlohmann::json;

namespace {

const std::set<std::string> kIntegerParams = {"wait_timeout_ms", "timeout_s", "drain_timeout_ms",
                                              "timeout_ms",      "offset",    "limit"};
const std::set<std::string> kBoolParams = {"force", "quick"};

bool TypeOk(const std::string& key, const json& value) {
  if (kIntegerParams.count(key)) return value.is_number_integer();
  if (kBoolParams.count(key)) return value.is_boolean();
  return value.is_string();
}

// A query parameter's text as the JSON type the body would carry.
bool FromQuery(const std::string& key, const std::string& text, json* out) {
  if (kBoolParams.count(key)) {
    if (text != "true" && text != "false") return false;
    *out = text == "true";
    return true;
  }
  if (kIntegerParams.count(key)) {
    try {
      size_t used = 0;
      int64_t v = std::stoll(text, &used);
      if (used != text.size()) return false;
      *out = v;
      return true;
    } catch (...) {
      return false;
    }
  }
  *out = text;
  return true;
}

// Fills `t` from one body item; false on a whole-request error.
bool ParseItem(const json& item, const std::set<std::string>& params, Target* t,
               std::string* error) {
  if (!item.is_object()) {
    *error = "Each item must be a JSON object";
    return false;
  }
  for (const auto& [key, value] : item.items()) {
    if (value.is_null()) continue;
    if (key == "uuid" || key == "name") {
      if (!value.is_string()) {
        *error = "Field '" + key + "' must be a string";
        return false;
      }
      (key == "uuid" ? t->uuid : t->name) = value.get<std::string>();
    } else if (params.count(key)) {
      if (!TypeOk(key, value)) {
        *error = "Field '" + key + "' has the wrong type";
        return false;
      }
      t->params[key] = value;
    } else {
      *error = "Unknown field '" + key + "'";
      return false;
    }
  }
  return true;
}

void CheckIdentity(Target* t) {
  using api::ErrorCode;
  if (!t->uuid.empty() && !t->name.empty()) {
    t->error = api::ItemError(ErrorCode::kNotBoth, "Only one of uuid and name may be given",
                              {{"uuid", t->uuid}, {"name", t->name}});
  } else if (t->uuid.empty() && t->name.empty()) {
    t->error = api::ItemError(ErrorCode::kMissingId, "Either uuid or name is required");
  } else if (!t->uuid.empty() && !IsUuid(t->uuid)) {
    t->error =
        api::ItemError(ErrorCode::kInvalid, "Invalid uuid '" + t->uuid + "'", {{"uuid", t->uuid}});
  } else {  // UUIDs are case-insensitive (RFC 4122); the platform's are lower-case
    for (char& c : t->uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
}

}  // namespace

json Target::Identity() const {
  if (!uuid.empty()) return {{"uuid", uuid}};
  return {{"name", name}};
}

nlohmann::json ItemFailure(const Status& s, const Target& t) {
  return api::ItemError(ItemErrorCode(s), s.message(), t.Identity());
}

bool ReadTargets(ApiCall& call, const std::string& path_id, std::vector<Target>* targets,
                 bool* none) {
  nlohmann::json body;
  if (!call.ReadJson(&body)) return false;
  std::string error;
  if (!ParseTargets(body, call.ex, path_id, {}, targets, none, &error)) {
    call.Fail(400, error);
    return false;
  }
  return true;
}

bool NamedTargets(ApiCall& call, const std::string& path_id, const std::set<std::string>& params,
                  std::vector<Target>* targets) {
  nlohmann::json body;
  if (!call.ReadJson(&body)) return false;
  bool none = false;
  std::string error;
  if (!ParseTargets(body, call.ex, path_id, params, targets, &none, &error)) {
    call.Fail(400, error);
    return false;
  }
  if (none) {
    call.Fail(400, "No instances given: send [{\"uuid\":…}] or [{\"name\":…}]");
    return false;
  }
  return true;
}

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool ParseTargets(const json& body, const http::Exchange& ex, const std::string& path_id,
                  const std::set<std::string>& params, std::vector<Target>* out, bool* none,
                  std::string* error) {
  *none = false;
  // Parameters given in the query apply to every item that does not set them itself.
  json query_params = json::object();
  for (const auto& key : params) {
    if (!ex.HasQuery(key)) continue;
    json value;
    if (!FromQuery(key, ex.Query(key), &value)) {
      *error = "Query parameter '" + key + "' has the wrong type";
      return false;
    }
    query_params[key] = value;
  }
  if (!path_id.empty()) {
    Target t;
    (IsUuid(path_id) ? t.uuid : t.name) = path_id;
    if (body.is_object()) {
      for (const auto& [key, value] : body.items()) {
        if (key == "uuid" || key == "name") continue;  // the path names the instance
        if (!ParseItem({{key, value}}, params, &t, error)) return false;
      }
    } else if (!body.is_null()) {
      *error = "Request body must be a JSON object";
      return false;
    }
    out->push_back(std::move(t));
  } else if (body.is_array() || body.is_object()) {
    json items = body.is_array() ? body : json::array({body});
    for (const auto& item : items) {
      Target t;
      if (!ParseItem(item, params, &t, error)) return false;
      out->push_back(std::move(t));
    }
  } else if (!body.is_null()) {
    *error = "Request body must be a JSON array or object";
    return false;
  }
  if (path_id.empty() && body.is_null()) {
    for (const auto& uuid : ex.QueryAll("uuid"))
      out->push_back(Target{uuid, "", json::object(), std::nullopt});
    for (const auto& name : ex.QueryAll("name"))
      out->push_back(Target{"", name, json::object(), std::nullopt});
  }
  if (out->empty()) *none = true;
  for (auto& t : *out) {
    for (const auto& [key, value] : query_params.items()) {
      if (!t.params.contains(key)) t.params[key] = value;
    }
    CheckIdentity(&t);
  }
  return true;
}

}  // namespace ukc::platform
