#include "platform/image_defaults.h"

#include <charconv>

namespace ukc::platform {

namespace {

Status BadLabel(const std::string& key, const std::string& value, const std::string& expected) {
  return Status::InvalidArgument("Image label '" + std::string(kScaleToZeroLabelPrefix) + key +
                                 "': '" + value + "' is not " + expected);
}

}  // namespace

Status ApplyScaleToZeroLabels(const std::map<std::string, std::string>& labels,
                              const std::set<std::string>& request_keys, api::ScaleToZero* out,
                              bool* policy_from_label) {
  *policy_from_label = false;
  api::ScaleToZero merged = *out;
  auto label = [&](const std::string& key) -> const std::string* {
    if (request_keys.count(key)) return nullptr;  // the request's own value wins
    auto it = labels.find(kScaleToZeroLabelPrefix + key);
    return it == labels.end() ? nullptr : &it->second;
  };
  if (const std::string* v = label("policy")) {
    if (*v != "on" && *v != "off" && *v != "idle") return BadLabel("policy", *v, "on, off or idle");
    merged.policy = *v;
    *policy_from_label = true;
  }
  if (const std::string* v = label("stateful")) {
    if (*v != "true" && *v != "false") return BadLabel("stateful", *v, "true or false");
    merged.stateful = *v == "true";
  }
  if (const std::string* v = label("cooldown_time_ms")) {
    int64_t ms = -1;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), ms);
    if (ec != std::errc() || end != v->data() + v->size() || ms < 0 || ms > 86400000) {
      return BadLabel("cooldown_time_ms", *v, "a number of milliseconds (0 to 86400000)");
    }
    merged.cooldown_time_ms = ms;
  }
  *out = merged;
  return Status::Ok();
}

}  // namespace ukc::platform
