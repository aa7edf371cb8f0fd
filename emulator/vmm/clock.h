// Time as an interface so the fakes and their tests run deterministically. SleepUntil on a
// ManualClock advances the clock instead of blocking.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>

namespace ukc::vmm {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  virtual void SleepUntil(TimePoint t) = 0;
};

class SystemClock : public Clock {
 public:
  TimePoint Now() override { return std::chrono::steady_clock::now(); }
  void SleepUntil(TimePoint t) override { std::this_thread::sleep_until(t); }
};

class ManualClock : public Clock {
 public:
  TimePoint Now() override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void SleepUntil(TimePoint t) override {
    std::lock_guard lock(mu_);
    if (t > now_) now_ = t;
  }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  std::mutex mu_;
  TimePoint now_{};
};

}  // namespace ukc::vmm
