#include "cloud/instance_print.h"

#include <cstdio>
#include <regex>

#include "cloud/instance_status.h"
#include "go_duration.h"
#include "humanize.h"

namespace kraft {
namespace {

using ukc::api::Instance;

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string BootTime(const Instance& i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(i.boot_time_us) / 1000);
  return buf;
}

std::string Memory(const Instance& i) {
  return HumanIBytes(static_cast<uint64_t>(i.memory_mb < 0 ? 0 : i.memory_mb) * 1024 * 1024);
}

// kraft parses every timestamp with time.RFC3339 and aborts on the first bad one.
ukc::Status CheckTime(const std::string& value, const std::string& uuid) {
  static const std::regex kRfc3339(
      R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  if (value.empty() || std::regex_match(value, kRfc3339)) return ukc::Status::Ok();
  return ukc::Status::InvalidArgument("could not parse time for '" + uuid + "': parsing time \"" +
                                      value + "\" as \"2006-01-02T15:04:05Z07:00\"");
}

std::vector<std::string> Headers(bool table_format) {
  if (table_format) {
    return {"NAME", "FQDN", "STATE", "STATUS", "IMAGE", "MEMORY", "VCPUS", "ARGS", "BOOT TIME"};
  }
  return {"UUID",
          "NAME",
          "FQDN",
          "PRIVATE FQDN",
          "PRIVATE IP",
          "STATE",
          "CREATED",
          "STARTED",
          "STOPPED",
          "START COUNT",
          "RESTART COUNT",
          "RESTART ATTEMPTS",
          "NEXT RESTART",
          "RESTART POLICY",
          "STOP ORIGIN",
          "STOP REASON",
          "APP EXIT CODE",
          "IMAGE",
          "MEMORY",
          "VCPUS",
          "ARGS",
          "ENV",
          "VOLUMES",
          "SERVICE",
          "SCALE TO ZERO",
          "SCALE TO ZERO COOLDOWN",
          "SCALE TO ZERO STATEFUL",
          "BOOT TIME",
          "UP TIME"};
}

std::string Fqdns(const Instance& i) {
  std::vector<std::string> fqdns;
  if (i.service_group) {
    for (const auto& d : i.service_group->domains) {
      if (!d.fqdn.empty()) fqdns.push_back(d.fqdn);
    }
  }
  return Join(fqdns, ",");
}

// The columns between STATE and IMAGE in the non-table formats.
std::vector<std::string> LifecycleCells(const Instance& i) {
  bool stopped = i.state == ukc::api::kStateStopped;
  return {i.created_at,
          i.started_at,
          i.stopped_at,
          std::to_string(i.start_count),
          std::to_string(i.restart_count),
          i.restart ? std::to_string(i.restart->attempt) : "",
          i.restart ? i.restart->next_at : "",
          i.restart_policy,
          stopped ? StopOrigin(i) : "",
          stopped ? StopReasonCell(i) : "",
          i.exit_code ? std::to_string(*i.exit_code) : ""};
}

// ENV … SCALE TO ZERO STATEFUL in the non-table formats.
std::vector<std::string> ConfigCells(const Instance& i) {
  std::vector<std::string> env, volumes;
  for (const auto& [k, v] : i.env) env.push_back(k + "=" + v);
  for (const auto& v : i.volumes)
    volumes.push_back(v.name + ":" + v.at + (v.readonly ? ":ro" : ""));
  std::string service;
  if (i.service_group) {
    service = i.service_group->name.empty() ? i.service_group->uuid : i.service_group->name;
  }
  std::vector<std::string> cells = {Join(env, ", "), Join(volumes, ", "), service, "", "", ""};
  if (i.scale_to_zero) {
    cells[3] = i.scale_to_zero->policy;
    cells[4] = std::to_string(i.scale_to_zero->cooldown_time_ms);
    cells[5] = i.scale_to_zero->stateful ? "true" : "false";
  }
  return cells;
}

std::vector<std::string> Row(const Instance& i, bool table_format) {
  std::string args = Join(i.args, " ");
  if (table_format) {
    return {i.name, Fqdns(i),   i.state, StatusCell(i), i.image, Memory(i), std::to_string(i.vcpus),
            args,   BootTime(i)};
  }
  std::vector<std::string> row = {i.uuid, i.name, Fqdns(i), i.private_fqdn, i.private_ip, i.state};
  for (auto& cell : LifecycleCells(i)) row.push_back(std::move(cell));
  row.insert(row.end(), {i.image, Memory(i), std::to_string(i.vcpus), args});
  for (auto& cell : ConfigCells(i)) row.push_back(std::move(cell));
  row.push_back(BootTime(i));
  row.push_back(FormatGoDuration(i.uptime_ms));
  return row;
}

std::string Paint(const std::string& text, const std::string& sgr, bool color) {
  return color ? "\033[" + sgr + "m" + text + "\033[0m" : text;
}

}  // namespace

ukc::Status InstanceTable(const std::vector<Instance>& instances, bool table_format, Table* out) {
  out->headers = Headers(table_format);
  out->rows.clear();
  for (const auto& i : instances) {
    for (const std::string* t : {&i.created_at, &i.started_at, &i.stopped_at}) {
      if (ukc::Status s = CheckTime(*t, i.uuid); !s.ok()) return s;
    }
    if (i.restart) {
      if (ukc::Status s = CheckTime(i.restart->next_at, i.uuid); !s.ok()) return s;
    }
    out->rows.push_back(Row(i, table_format));
  }
  return ukc::Status::Ok();
}

std::string RenderFancyMap(const std::string& title, const std::string& title_color,
                           const std::vector<FancyEntry>& entries, bool color) {
  const std::string kGray = "37";
  size_t key_pad = 0, val_pad = 0;
  for (const auto& e : entries) {
    if (e.key.size() > key_pad) key_pad = e.key.size() + 1;  // sic: +1 only when it grows
    if (e.value.size() > val_pad) val_pad = e.value.size();
  }
  std::string out = "\n" + Paint("[", kGray, color) + Paint("●", title_color, color) +
                    Paint("]", kGray, color) + " " + title + "\n " + Paint("│", kGray, color) +
                    "\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const FancyEntry& e = entries[i];
    std::string dashes;
    for (size_t k = e.key.size(); k < key_pad; ++k) dashes += "─";
    out += " " + Paint(i + 1 == entries.size() ? "└" : "├", kGray, color) +
           Paint(dashes, kGray, color) + " " + Paint(e.key, kGray, color) + ": " + e.value + " " +
           std::string(val_pad - e.value.size(), ' ') + "\n";
  }
  return out + "\n";
}

std::string FancySummary(const Instance& i, const std::string& metro,
                         const std::optional<ServiceView>& service, bool color) {
  std::string title = "Deployed but unknown status", sgr = "33";
  if (i.state == ukc::api::kStateRunning || i.state == ukc::api::kStateStarting) {
    title = "Deployed successfully!", sgr = "32";
  } else if (i.state == ukc::api::kStateStandby) {
    title = "Deployed but instance is on standby!", sgr = "94";
  } else if (i.state == ukc::api::kStateStopped) {
    title = "Deployed but instance is not online!", sgr = "31";
  }
  std::vector<FancyEntry> entries = {
      {"name", i.name}, {"uuid", i.uuid}, {"metro", metro}, {"state", Paint(i.state, sgr, color)}};
  if (i.state == ukc::api::kStateStopped) entries.push_back({"stop reason", StopReason(i)});
  if (service) {
    for (const auto& fqdn : service->fqdns) {
      entries.push_back({"domain", (service->exposes_443 ? "https://" : "") + fqdn});
    }
  }
  entries.push_back({"image", i.image});
  if (i.state != ukc::api::kStateStarting) entries.push_back({"boot time", BootTime(i)});
  entries.push_back({"memory", std::to_string(i.memory_mb) + " MiB"});
  if (i.service_group && !i.service_group->name.empty()) {
    entries.push_back({"service", i.service_group->name});
  }
  if (!i.private_fqdn.empty()) entries.push_back({"private fqdn", i.private_fqdn});
  if (!i.private_ip.empty()) entries.push_back({"private ip", i.private_ip});
  if (!i.args.empty()) entries.push_back({"args", Join(i.args, " ")});
  return RenderFancyMap(title, sgr, entries, color);
}

}  // namespace kraft
