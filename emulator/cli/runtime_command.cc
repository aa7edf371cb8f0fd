#include "cli/commands.h"

namespace ukc::cli {

void AddRuntimeCommands(CLI::App& app, const std::string* data_dir, int* exit_code) {}

}  // namespace ukc::cli
