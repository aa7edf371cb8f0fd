// How kraft words an instance's state (kraft-cli.md §4.2, §7; ukc-api.md §5.3), as the G1 SDK's
// GetResponseItem helpers do:
//   StopOrigin      "initiated by user (-up--)", "force initiated by user (fup--)",
//                   "unknown (-----)" when stop_reason is absent or 0
//   StopReason      DescribeStopReason: "shutdown" only for a termtable stop at init level 0/1
//                   with reason OK, "out of memory" (PGFAULT + ENOMEM), "illegal memory access",
//                   …, "unexpected error"; "" when stop_code is absent or 0
//   StopReasonCode  "t1 OK", "i127 PGFAULT ENOMEM" (i|t, init level, reason, errno name)
//   StopReasonCell  the STOP REASON column: friendly sentence + " (" + code + ")"
//   StatusCell      the table's STATUS column: "since 1hr 5mins" from uptime_ms while running,
//                   the stop reason while stopped ("" for a clean shutdown), else the state
#pragma once

#include <string>

#include "api/instance.h"

namespace kraft {

std::string StopOrigin(const ukc::api::Instance& instance);
std::string StopReason(const ukc::api::Instance& instance);
std::string StopReasonCode(const ukc::api::Instance& instance);
std::string StopReasonCell(const ukc::api::Instance& instance);
std::string StatusCell(const ukc::api::Instance& instance);

}  // namespace kraft
