// How kraft prints instances (kraft-cli.md §4.2, §4.5):
//  - InstanceTable: the row model of `instance list|get` (and `create -o table|json`). `table`
//    has NAME, FQDN, STATE, STATUS, IMAGE, MEMORY, VCPUS, ARGS, BOOT TIME; the other formats the
//    full set from UUID to UP TIME. Unparsable timestamps fail as in kraft ("could not parse
//    time for '<uuid>': …").
//  - FancySummary: the "[●] Deployed …" tree `instance create` prints, rendered exactly as
//    kraftkit's fancymap (keyPad grows to len(key)+1 only when a key is longer than the current
//    pad; values are padded to the longest, so lines carry trailing spaces). ANSI colours only
//    when `color` is set.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/instance.h"
#include "base/status.h"
#include "output.h"

namespace kraft {

ukc::Status InstanceTable(const std::vector<ukc::api::Instance>& instances, bool table_format,
                          Table* out);

struct FancyEntry {
  std::string key, value;
};
// fancymap.PrintFancyMap. `title_color` is an ANSI SGR code ("32") used when `color`.
std::string RenderFancyMap(const std::string& title, const std::string& title_color,
                           const std::vector<FancyEntry>& entries, bool color);

// What GET /services said about the instance's service group (domain lines of the summary).
struct ServiceView {
  std::vector<std::string> fqdns;
  bool exposes_443 = false;  // the domains are shown as https://…
  // ukc-emu: published port → the 127.0.0.1 port its proxy listens on (services' local_port).
  std::map<int, int> local_ports;
};
// `metro` is the raw --metro value (a code or a URL).
std::string FancySummary(const ukc::api::Instance& instance, const std::string& metro,
                         const std::optional<ServiceView>& service, bool color);

}  // namespace kraft
