// `-M/--memory` (kraft-cli.md §3.3): a bare integer is MiB; anything else is a Kubernetes
// resource.Quantity ("512Mi", "1Gi", "512M" = 512,000,000 B, "1.5Gi", "1e9"), rounded up to whole
// bytes, which must be ≥ 1Mi; the result is bytes / 1 MiB, truncated. Errors: "could not parse
// memory quantity: …" and "memory must be at least 1Mi".
// Without -M, kraft derives a default from the image: round(2^log2(size MiB × 1.1)), sent only
// when it exceeds 128.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"

namespace kraft {

ukc::Status ParseMemoryFlag(const std::string& value, int* memory_mb);
// Bytes of a Kubernetes quantity (resource.ParseQuantity + Value(), which rounds up).
ukc::Status ParseQuantityBytes(const std::string& quantity, long double* bytes);
std::optional<int> DefaultMemoryMb(int64_t image_size_in_bytes);

}  // namespace kraft
