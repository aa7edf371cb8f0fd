#include "base/status.h"

namespace ukc {

std::string Status::ToString() const {
  switch (kind_) {
    case Kind::kOk:
      return "ok";
    case Kind::kInvalidArgument:
      return "invalid argument: " + message_;
    case Kind::kNotFound:
      return "not found: " + message_;
    case Kind::kAlreadyExists:
      return "already exists: " + message_;
    case Kind::kPermissionDenied:
      return "permission denied: " + message_;
    case Kind::kUnauthenticated:
      return "unauthenticated: " + message_;
    case Kind::kIoError:
      return "I/O error: " + message_;
    case Kind::kCorruption:
      return "corruption: " + message_;
    case Kind::kTooLarge:
      return "too large: " + message_;
    case Kind::kUnavailable:
      return "unavailable: " + message_;
    case Kind::kInternal:
      return "internal error: " + message_;
  }
  return message_;
}

}  // namespace ukc
