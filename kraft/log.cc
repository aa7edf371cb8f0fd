#include "log.h"

#include <iostream>

namespace kraft {

void LogInfo(const std::string& message) { std::cerr << " i  " << message << "\n"; }
void LogWarn(const std::string& message) { std::cerr << " W  " << message << "\n"; }
void LogError(const std::string& message) { std::cerr << " E  " << message << "\n"; }

}  // namespace kraft
