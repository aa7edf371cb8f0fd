// `-p/--port` values → the services of a new service group (kraft-cli.md §3.1):
//   a single "443:N" without '/'  → 443→N [http,tls] and 80→443 [http,redirect]
//   "A:B/h1+h2"                   → port A, destination_port B, handlers h1,h2 (tls|http|redirect)
//   "A:B"                         → no handlers;  "A" → port A, destination_port A
// Errors carry kraft's texts, including its swapped "internal"/"external" on Atoi failures.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/instance.h"
#include "base/status.h"

namespace kraft {

ukc::Status ParsePortFlags(const std::vector<std::string>& values,
                           std::vector<ukc::api::ServicePort>* out);
// As kraft sends them: {"port","destination_port"[,"handlers"]} (handlers omitted when empty).
nlohmann::json ServicesJson(const std::vector<ukc::api::ServicePort>& services);
// Go's strconv.Atoi, with its error text (`strconv.Atoi: parsing "x": invalid syntax`).
ukc::Status GoAtoi(const std::string& text, int* value);

}  // namespace kraft
