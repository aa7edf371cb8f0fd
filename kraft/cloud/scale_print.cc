#include "cloud/scale_print.h"

#include <cstdlib>
#include <sstream>

namespace kraft {

using nlohmann::json;

namespace {

std::string Scalar(const json& v) {
  if (!v.is_string()) return v.dump();
  const std::string s = v.get<std::string>();
  bool quote = s.empty() || s == "true" || s == "false" || s == "null" || s == "~" ||
               s.find_first_of(":#\"'\n") != std::string::npos || s.front() == ' ' ||
               s.front() == '-' || s.back() == ' ';
  if (!quote) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    quote = end && *end == '\0';
  }
  return quote ? v.dump() : s;
}

// yaml.v2 block style: `indent` spaces before each key; the first key of a list item follows
// its "- " (first_prefix).
void Yaml(const json& obj, int indent, const std::string& first_prefix, std::ostream& out) {
  bool first = true;
  for (const auto& [key, value] : obj.items()) {
    out << (first ? first_prefix : std::string(indent, ' ')) << key << ":";
    first = false;
    if (value.is_object() && !value.empty()) {
      out << "\n";
      Yaml(value, indent + 2, std::string(indent + 2, ' '), out);
    } else if (value.is_array() && !value.empty()) {
      out << "\n";
      for (const auto& item : value) {
        if (item.is_object() && !item.empty()) {
          Yaml(item, indent + 2, std::string(indent, ' ') + "- ", out);
        } else {
          out << std::string(indent, ' ') << "- " << Scalar(item) << "\n";
        }
      }
    } else if (value.is_array()) {
      out << " []\n";
    } else if (value.is_object()) {
      out << " {}\n";
    } else {
      out << " " << Scalar(value) << "\n";
    }
  }
}

}  // namespace

Table ScaleConfigTable(const ukc::api::AutoscaleConfig& c, bool table_format) {
  Table t;
  std::vector<std::string> row;
  auto add = [&](const std::string& header, const std::string& value) {
    t.headers.push_back(header);
    row.push_back(value);
  };
  if (!table_format) add("UUID", c.uuid);
  add("NAME", c.name);
  add("ENABLED", c.enabled ? "true" : "false");
  if (c.enabled) {
    add("MIN SIZE", std::to_string(c.min_size));
    add("MAX SIZE", std::to_string(c.max_size));
    add("WARMUP (MS)", std::to_string(c.warmup_time_ms));
    add("COOLDOWN (MS)", std::to_string(c.cooldown_time_ms));
    add("MASTER", c.master.uuid.empty() ? c.master.name : c.master.uuid);
  }
  std::string policies;
  for (const auto& p : c.policies) policies += (policies.empty() ? "" : ";") + p.name;
  add("POLICIES", policies);
  t.rows.push_back(std::move(row));
  return t;
}

std::string PolicyText(const json& policy, const std::string& format) {
  if (format == "json") return policy.dump();
  std::ostringstream out;
  if (policy.is_object()) Yaml(policy, 0, "", out);
  std::string text = out.str();
  if (!text.empty() && text.back() == '\n') text.pop_back();  // kraft adds the newline
  return text;
}

}  // namespace kraft
