#include "vmm/vmm.h"

namespace ukc::vmm {

const char* VmStateName(VmState state) {
  switch (state) {
    case VmState::kStarting:
      return "starting";
    case VmState::kRunning:
      return "running";
    case VmState::kStopping:
      return "stopping";
    case VmState::kStopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace ukc::vmm
