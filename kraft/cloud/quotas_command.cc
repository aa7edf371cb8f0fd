#include "cloud/quotas_command.h"

#include <iostream>

#include "api_client.h"
#include "humanize.h"
#include "log.h"

namespace kraft {
namespace {

using nlohmann::json;

int64_t Num(const json& obj, const char* section, const char* key) {
  if (!obj.contains(section) || !obj[section].is_object()) return 0;
  const json& s = obj[section];
  return s.contains(key) && s[key].is_number() ? s[key].get<int64_t>() : 0;
}

std::string Mib(int64_t mb) { return HumanIBytes(static_cast<uint64_t>(mb) * 1024 * 1024); }

int Quotas(const CloudFlags& flags, const std::string& format) {
  CloudConnection conn;
  ApiResponse resp;
  ukc::Status s = ValidateFormat(format);
  if (s.ok()) s = Connect(flags, true, &conn);
  if (s.ok()) s = ApiClient(conn.base_url, conn.auth.token).Get("/users/quotas", "", &resp);
  if (!s.ok()) {
    LogError(s.kind() == ukc::Status::Kind::kInvalidArgument ||
                     s.kind() == ukc::Status::Kind::kUnauthenticated
                 ? s.message()
                 : "could not get quotas: " + s.message());
    return 1;
  }
  Render(format.empty() ? "list" : format, QuotasTable(resp.items), resp.body, std::cout);
  return 0;
}

}  // namespace

Table QuotasTable(const json& quotas) {
  Table t;
  t.headers = {"USER UUID",   "LIVE INSTANCES",   "TOTAL INSTANCES", "LIVE MEMORY",
               "MEMORY SIZE", "EXPOSED SERVICES", "SERVICE GROUPS"};
  bool volumes = false, autoscale = false;
  for (const auto& q : quotas) {
    volumes = volumes || Num(q, "limits", "max_volume_mb") > 0;
    autoscale = autoscale || Num(q, "limits", "max_autoscale_size") > 1;
  }
  if (volumes) t.headers.insert(t.headers.end(), {"VOLUMES", "USED VOLUME SPACE", "VOLUME SIZE"});
  if (autoscale) t.headers.emplace_back("AUTOSCALE SIZE");
  for (const auto& q : quotas) {
    auto ratio = [&](const char* used, const char* hard) {
      return std::to_string(Num(q, "used", used)) + "/" + std::to_string(Num(q, "hard", hard));
    };
    std::vector<std::string> row = {
        q.value("uuid", ""),
        ratio("live_instances", "instances"),
        ratio("instances", "instances"),
        Mib(Num(q, "used", "live_memory_mb")) + "/" + Mib(Num(q, "hard", "live_memory_mb")),
        Mib(Num(q, "limits", "min_memory_mb")) + "-" + Mib(Num(q, "limits", "max_memory_mb")),
        ratio("services", "services"),
        ratio("service_groups", "service_groups")};
    if (volumes) {
      row.push_back(ratio("volumes", "volumes"));
      row.push_back(Mib(Num(q, "used", "total_volume_mb")) + "/" +
                    Mib(Num(q, "hard", "total_volume_mb")));
      row.push_back(Mib(Num(q, "limits", "min_volume_mb")) + "-" +
                    Mib(Num(q, "limits", "max_volume_mb")));
    }
    if (autoscale) {
      row.push_back(std::to_string(Num(q, "limits", "min_autoscale_size")) + "-" +
                    std::to_string(Num(q, "limits", "max_autoscale_size")));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void AddQuotasCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code) {
  CLI::App* cmd = cloud.add_subcommand("quotas", "View your resource quota on Unikraft Cloud");
  cmd->alias("q");
  cmd->alias("quota");
  auto format = std::make_shared<std::string>("list");
  cmd->add_option("-o,--output", *format, "Set output format (table, list, json, yaml, raw)");
  cmd->callback([=, &flags] { *exit_code = Quotas(flags, *format); });
}

}  // namespace kraft
