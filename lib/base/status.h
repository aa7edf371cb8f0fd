// Status: the result of an operation that can fail, as a value (after LevelDB's Status).
// An ok Status carries nothing; an error carries a kind and a human-readable message.
#pragma once

#include <string>
#include <utility>

namespace ukc {

class Status {
 public:
  enum class Kind {
    kOk,
    kInvalidArgument,
    kNotFound,
    kAlreadyExists,
    kPermissionDenied,
    kUnauthenticated,
    kIoError,
    kCorruption,
    kTooLarge,
    kUnavailable,
    kInternal
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Kind::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Kind::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Kind::kAlreadyExists, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Kind::kPermissionDenied, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Kind::kUnauthenticated, std::move(m)}; }
  static Status IoError(std::string m) { return {Kind::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {Kind::kCorruption, std::move(m)}; }
  static Status TooLarge(std::string m) { return {Kind::kTooLarge, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Kind::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Kind::kInternal, std::move(m)}; }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  Kind kind_ = Kind::kOk;
  std::string message_;
};

}  // namespace ukc
