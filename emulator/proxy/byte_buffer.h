// ByteBuffer: a contiguous read buffer for one direction of a proxied connection. Reads append
// at the end (PrepareRead/Commit), the proxy consumes from the front; it compacts and grows on
// demand up to a limit (so a message head can be at most that big).
#pragma once

#include <boost/asio/buffer.hpp>
#include <cstring>
#include <memory>
#include <string_view>

namespace ukc::proxy {

class ByteBuffer {
 public:
  ByteBuffer(size_t initial, size_t limit) : capacity_(initial), limit_(limit) {}

  const char* data() const { return buf_.get() + begin_; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::string_view view() const { return {data(), size()}; }
  // True when no more bytes fit (the buffer holds `limit` unconsumed bytes).
  bool full() const { return size() >= limit_; }

  void Consume(size_t n) {
    begin_ += n;
    if (begin_ >= end_) begin_ = end_ = 0;
  }
  // Space for the next read (empty only when full()).
  boost::asio::mutable_buffer PrepareRead() {
    if (!buf_) buf_.reset(new char[capacity_]);
    if (end_ == capacity_ && begin_ > 0) {
      std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == capacity_ && capacity_ < limit_) Grow();
    return boost::asio::buffer(buf_.get() + end_, capacity_ - end_);
  }
  void Commit(size_t n) { end_ += n; }
  // Releases the memory of an empty buffer (idle connections stay small).
  void Shrink() {
    if (empty()) buf_.reset();
  }

 private:
  void Grow() {
    size_t bigger = std::min(capacity_ * 2, limit_);
    std::unique_ptr<char[]> next(new char[bigger]);
    std::memcpy(next.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    buf_ = std::move(next);
    capacity_ = bigger;
  }

  std::unique_ptr<char[]> buf_;
  size_t capacity_, limit_;
  size_t begin_ = 0, end_ = 0;
};

}  // namespace ukc::proxy
