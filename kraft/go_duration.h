// Go's time.Duration as kraft's flags read and its tables print it: ParseGoDuration accepts
// time.ParseDuration syntax ("500ms", "1m30s", "1.5h", "0"; units ns, us, µs, ms, s, m, h) and
// fails with Go's `time: invalid duration "X"`; FormatGoDuration is Duration.String() for
// millisecond values ("0s", "500ms", "47.192s", "1h0m5s").
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace kraft {

// `*ms` gets the duration in whole milliseconds (sub-millisecond parts truncate).
ukc::Status ParseGoDuration(const std::string& text, int64_t* ms);
std::string FormatGoDuration(int64_t ms);

}  // namespace kraft
