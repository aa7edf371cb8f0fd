// Whether a guest's TCP port really takes connections through QEMU user networking. The host end
// of a hostfwd always accepts; when nothing listens in the guest, QEMU closes it right after the
// guest's RST. So: connect to 127.0.0.1:<host_port>, then wait up to `settle` — closed (or reset)
// in that time means not listening; still open, or data arriving, means listening.
#pragma once

#include <chrono>

namespace ukc::vmm {

bool GuestPortListening(int host_port,
                        std::chrono::milliseconds settle = std::chrono::milliseconds(150));

}  // namespace ukc::vmm
