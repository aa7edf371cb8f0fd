// The steps of creating an instance that `kraft cloud instance create` and `kraft cloud deploy`
// share (kraft-cli.md §6.3):
//   FindImage        GET /images/list [{"tag"|"digest"}] once ("no image with name: X" when
//                    empty), or, when waiting, until the image is listed or the deadline passes
//                    (errors and empty answers only mean "not there yet", as in kraft)
//   ResolveService   -g NAME|UUID: GET /services, then service_group {"uuid"} in the body
//   CreateAndGet     POST /instances, then GET /instances of the first created one
//   WaitRunning      GET /instances/wait until running (ukc-emu boots in seconds, not ms)
//   PrintCreated     the fancy summary (instance_print.h) with the service's domains (GET
//                    /services), or the instances table in `output`'s format; when autostart was
//                    asked for and the instance is not online, kraft's hint to read the logs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/image.h"
#include "api/instance.h"
#include "api_client.h"
#include "base/status.h"

namespace kraft {

struct ImageWait {
  bool wait = false;           // poll until listed (deploy, `create -w`)
  int64_t timeout_ms = 60000;  // bound of the poll
};
ukc::Status FindImage(ApiClient& api, const std::string& image, const ImageWait& wait,
                      ukc::api::Image* out);

ukc::Status ResolveService(ApiClient& api, const std::string& service, nlohmann::json* body);

// `*created` (optional) gets the uuids of every created instance (the replicas too).
ukc::Status CreateAndGet(ApiClient& api, const nlohmann::json& body, ApiResponse* got,
                         std::vector<ukc::api::Instance>* instances,
                         std::vector<std::string>* created = nullptr);

// Waits (bounded by `timeout_ms`) for `uuid` to be running; `*instance` gets its new state
// (also on a timeout, which is not an error: the summary then says what the state is).
ukc::Status WaitRunning(ApiClient& api, const std::string& uuid, int64_t timeout_ms,
                        ukc::api::Instance* instance);

struct PrintOptions {
  std::string output;      // "" / list / yaml / raw / table / json
  bool fancy = true;       // the summary instead of the table (the caller's rule)
  bool autostart = false;  // hint at the logs when the instance did not come online
  std::string metro;       // the raw --metro value
};
ukc::Status PrintCreated(ApiClient& api, const PrintOptions& options, const ApiResponse& got,
                         const std::vector<ukc::api::Instance>& instances);

}  // namespace kraft
