#include "cloud/instance_status.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace kraft {
namespace {

using ukc::api::Instance;

constexpr const char* kReasons[] = {"OK",      "EXP",      "MATH",  "INVLOP",
                                    "PGFAULT", "SEGFAULT", "HWERR", "SECERR"};
enum Reason { kOk = 0, kExp, kMath, kInvlop, kPgfault, kSegfault, kHwerr, kSecerr };

int Code(const Instance& i) { return i.stop_code.value_or(0); }
int ReasonOf(const Instance& i) { return Code(i) & 0xFF; }
int InitLevel(const Instance& i) { return (Code(i) & 0x7F00) >> 8; }
int ShutdownTable(const Instance& i) { return (Code(i) & 0x8000) >> 15; }
int Errno(const Instance& i) { return (Code(i) & 0xFF0000) >> 16; }

// The SDK's table of Linux errno names (glibc's, with the two spellings Go's table prefers).
std::string ErrnoName(int errnum) {
  if (errnum == 35) return "EDEADLOCK";
  if (errnum == 95) return "ENOTSUP";
  const char* name = strerrorname_np(errnum);
  return name ? name : std::to_string(errnum);
}

std::string OriginCode(int sr) {
  std::string code;
  for (auto [bit, letter] : {std::pair{ukc::api::kStopForced, 'f'},
                             {ukc::api::kStopUser, 'u'},
                             {ukc::api::kStopPlatform, 'p'},
                             {ukc::api::kStopApp, 'a'},
                             {ukc::api::kStopKernel, 'k'}}) {
    code += (sr & bit) != 0 ? letter : '-';
  }
  return code;
}

std::string FriendlySentence(const std::string& reason) {
  if (reason == "shutdown") return "Successful shutdown.";
  if (reason == "assertion error") {
    return "Execution failed due to an unexpected state. Check instance logs.";
  }
  if (reason == "out of memory") {
    return "Out of memory. Try increasing instance's memory (see -M flag).";
  }
  if (reason == "illegal memory access" || reason == "segmentation fault") {
    return "Illegal memory access. Check instance logs.";
  }
  if (reason == "page fault") return "Paging error. Check instance logs.";
  if (reason == "arithmetic error") return "Arithmetic error. Check instance logs.";
  if (reason == "instruction error") {
    return "Invalid CPU instruction or instruction error. Check instance logs.";
  }
  if (reason == "hardware error") return "Hardware reported error. Check instance logs.";
  if (reason == "security violation") return "Security violation. Check instance logs.";
  return "Unexpected error Check instance logs.";  // sic: kraft's sentence has no period
}

}  // namespace

std::string StopOrigin(const Instance& i) {
  int sr = i.stop_reason.value_or(0);
  if (sr == 0) return "unknown (-----)";
  std::string who;
  if ((sr & ukc::api::kStopPlatform) != 0 && (sr & ukc::api::kStopUser) == 0) {
    who = "platform";
  } else if ((sr & ukc::api::kStopUser) != 0) {
    who = "user";
  } else if ((sr & ukc::api::kStopApp) != 0) {
    who = "app";
  } else if ((sr & ukc::api::kStopKernel) != 0) {
    who = "kernel";
  }
  std::string force = (sr & ukc::api::kStopForced) != 0 ? "force " : "";
  return force + "initiated by " + who + " (" + OriginCode(sr) + ")";
}

std::string StopReason(const Instance& i) {
  if (Code(i) == 0) return "";
  int reason = ReasonOf(i);
  if (ShutdownTable(i) == 1 && (InitLevel(i) == 0 || InitLevel(i) == 1) && reason == kOk) {
    return "shutdown";
  }
  if (reason == kExp) return "assertion error";
  if (reason == kPgfault && Errno(i) == 0xc) return "out of memory";
  if (reason == kPgfault && (Errno(i) == 0xe || Errno(i) == 0x1)) return "illegal memory access";
  if (reason == kSegfault) return "segmentation fault";
  if (reason == kPgfault) return "page fault";
  if (reason == kMath) return "arithmetic error";
  if (reason == kInvlop) return "instruction error";
  if (reason == kHwerr) return "hardware error";
  if (reason == kSecerr) return "security violation";
  return "unexpected error";
}

std::string StopReasonCode(const Instance& i) {
  if (Code(i) == 0) return "";
  int reason = ReasonOf(i);
  std::string code = (ShutdownTable(i) == 0 ? "i" : "t") + std::to_string(InitLevel(i)) + " " +
                     (reason < 8 ? kReasons[reason] : std::to_string(reason));
  if (Errno(i) != 0) code += " " + ErrnoName(Errno(i));
  return code;
}

std::string StopReasonCell(const Instance& i) {
  return FriendlySentence(StopReason(i)) + " (" + StopReasonCode(i) + ")";
}

std::string StatusCell(const Instance& i) {
  if (i.state == ukc::api::kStateRunning) {
    double ms = static_cast<double>(i.uptime_ms);
    double hours = ms / 3600000.0, minutes = ms / 60000.0, seconds = ms / 1000.0;
    struct Chunk {
      const char* name;
      int64_t amount;
    };
    std::vector<Chunk> chunks = {{"day", static_cast<int64_t>(hours / 24)},
                                 {"hr", static_cast<int64_t>(std::fmod(hours, 24))},
                                 {"min", static_cast<int64_t>(std::fmod(minutes, 60))},
                                 {"sec", static_cast<int64_t>(std::fmod(seconds, 60))}};
    std::string parts;
    for (size_t k = 0; k < chunks.size(); ++k) {
      if (!parts.empty() && k + 1 == chunks.size()) continue;  // no seconds once a minute shows
      if (chunks[k].amount == 0) continue;
      parts += (parts.empty() ? "" : " ") + std::to_string(chunks[k].amount) + chunks[k].name +
               (chunks[k].amount == 1 ? "" : "s");
    }
    return "since " + parts;
  }
  if (i.state == ukc::api::kStateStopped) {
    std::string reason = StopReason(i);
    return reason == "shutdown" ? "" : reason;
  }
  return i.state;
}

}  // namespace kraft
