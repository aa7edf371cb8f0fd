// Byte sizes as go-humanize prints them: Bytes (SI, "39 MB", "1.5 kB") and IBytes ("2.0 GiB").
#pragma once

#include <cstdint>
#include <string>

namespace kraft {

std::string HumanBytes(uint64_t bytes);   // humanize.Bytes
std::string HumanIBytes(uint64_t bytes);  // humanize.IBytes

}  // namespace kraft
