// How kraft prints service groups (kraft-cli.md §4.4): `table` has NAME, FQDN, SERVICES,
// INSTANCES, CREATED AT, PERSISTENT; the other formats add UUID first and SOFT LIMIT, HARD LIMIT
// last. FQDN = the domains' FQDNs, SERVICES = "port:destination/h1+h2", INSTANCES = instance
// names (their UUID when unnamed), each joined by spaces; CREATED AT as go-humanize's Time
// ("3 minutes ago"); PERSISTENT "true"/"false". An unparsable created_at fails as in kraft.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/service_group.h"
#include "base/status.h"
#include "output.h"

namespace kraft {

ukc::Status ServiceTable(const std::vector<ukc::api::ServiceGroup>& groups, bool table_format,
                         Table* out);
// go-humanize RelTime(then, now, "ago", "from now"): "now", "1 second ago", "5 minutes ago",
// "2 hours from now", …, "a long while ago".
std::string HumanTime(int64_t then_unix_s, int64_t now_unix_s);
// Go's time.Parse(time.RFC3339, text) as unix seconds; false when it does not parse.
bool ParseRfc3339(const std::string& text, int64_t* unix_s);

}  // namespace kraft
