// StderrProgress (package_app.h): a TTY gets one updating line per step, anything else one
// " i  step detail" log line when a step starts and when it ends.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "humanize.h"
#include "log.h"
#include "pkg/package_app.h"

namespace kraft {

namespace {

std::string Amount(const PackageProgress& p) {
  if (p.total == 0) return "";
  int percent = static_cast<int>(100.0 * p.done / p.total);
  return " " + HumanBytes(p.done) + "/" + HumanBytes(p.total) + " (" + std::to_string(percent) +
         "%)";
}

}  // namespace

PackageProgressFn StderrProgress() {
  auto last_step = std::make_shared<std::string>();
  if (isatty(STDERR_FILENO)) {
    return [last_step](const PackageProgress& p) {
      std::cerr << "\r\033[K[" << (p.finished ? "+" : "*") << "] " << p.step << " "
                << (p.step == "pushing" && !p.finished ? "" : p.detail) << Amount(p);
      if (p.finished) std::cerr << "\n";
      std::cerr.flush();
    };
  }
  return [last_step](const PackageProgress& p) {
    if (p.finished) {
      LogInfo(p.step + ": done" + (p.total ? " (" + HumanBytes(p.total) + ")" : ""));
      last_step->clear();
    } else if (*last_step != p.step) {
      *last_step = p.step;
      LogInfo(p.step + " " + p.detail);
    }
  };
}

}  // namespace kraft
