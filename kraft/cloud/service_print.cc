#include "cloud/service_print.h"

#include <ctime>
#include <regex>

namespace kraft {

namespace {

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

}  // namespace

bool ParseRfc3339(const std::string& text, int64_t* unix_s) {
  static const std::regex kRfc3339(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$)");
  std::smatch m;
  if (!std::regex_match(text, m, kRfc3339)) return false;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 59) {
    return false;
  }
  int64_t t = timegm(&tm);
  if (m[9].matched) {
    int64_t offset = std::stoi(m[10]) * 3600 + std::stoi(m[11]) * 60;
    t += m[9] == "+" ? -offset : offset;
  }
  *unix_s = t;
  return true;
}

std::string HumanTime(int64_t then, int64_t now) {
  constexpr int64_t kMinute = 60, kHour = 60 * kMinute, kDay = 24 * kHour, kWeek = 7 * kDay,
                    kMonth = 30 * kDay, kYear = 12 * kMonth, kLongTime = 37 * kYear;
  std::string label = "ago";
  int64_t diff = now - then;
  if (then > now) {
    label = "from now";
    diff = then - now;
  }
  struct Magnitude {
    int64_t below;
    const char* format;  // "%d" is the count
    int64_t divide_by;
  };
  static const Magnitude kMagnitudes[] = {
      {1, "now", 1},
      {2, "1 second %s", 1},
      {kMinute, "%d seconds %s", 1},
      {2 * kMinute, "1 minute %s", 1},
      {kHour, "%d minutes %s", kMinute},
      {2 * kHour, "1 hour %s", 1},
      {kDay, "%d hours %s", kHour},
      {2 * kDay, "1 day %s", 1},
      {kWeek, "%d days %s", kDay},
      {2 * kWeek, "1 week %s", 1},
      {kMonth, "%d weeks %s", kWeek},
      {2 * kMonth, "1 month %s", 1},
      {kYear, "%d months %s", kMonth},
      {18 * kMonth, "1 year %s", 1},
      {2 * kYear, "2 years %s", 1},
      {kLongTime, "%d years %s", kYear},
  };
  for (const auto& m : kMagnitudes) {
    if (diff >= m.below) continue;
    std::string out = m.format;
    if (size_t at = out.find("%d"); at != std::string::npos) {
      out.replace(at, 2, std::to_string(diff / m.divide_by));
    }
    if (size_t at = out.find("%s"); at != std::string::npos) out.replace(at, 2, label);
    return out;
  }
  return "a long while " + label;
}

ukc::Status ServiceTable(const std::vector<ukc::api::ServiceGroup>& groups, bool table_format,
                         Table* out) {
  out->headers = {"NAME", "FQDN", "SERVICES", "INSTANCES", "CREATED AT", "PERSISTENT"};
  if (!table_format) {
    out->headers.insert(out->headers.begin(), "UUID");
    out->headers.push_back("SOFT LIMIT");
    out->headers.push_back("HARD LIMIT");
  }
  int64_t now = std::time(nullptr);
  for (const auto& g : groups) {
    std::vector<std::string> fqdns, services, instances;
    for (const auto& d : g.domains) fqdns.push_back(d.fqdn);
    for (const auto& s : g.services) {
      services.push_back(std::to_string(s.port) + ":" + std::to_string(s.destination_port) + "/" +
                         Join(s.handlers, "+"));
    }
    for (const auto& i : g.instances) instances.push_back(i.name.empty() ? i.uuid : i.name);
    std::string created;
    if (!g.created_at.empty()) {
      int64_t t = 0;
      if (!ParseRfc3339(g.created_at, &t)) {
        return ukc::Status::InvalidArgument("could not parse time for '" + g.uuid +
                                            "': parsing time \"" + g.created_at +
                                            "\" as \"2006-01-02T15:04:05Z07:00\"");
      }
      created = HumanTime(t, now);
    }
    std::vector<std::string> row = {g.name,
                                    Join(fqdns, " "),
                                    Join(services, " "),
                                    Join(instances, " "),
                                    created,
                                    g.persistent ? "true" : "false"};
    if (!table_format) {
      row.insert(row.begin(), g.uuid);
      row.push_back(std::to_string(g.soft_limit));
      row.push_back(std::to_string(g.hard_limit));
    }
    out->rows.push_back(std::move(row));
  }
  return ukc::Status::Ok();
}

}  // namespace kraft
