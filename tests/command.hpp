#pragma once
// Running the project's tools from a test. Test programs run from the repository root (ctest's
// working directory), so scripts are "tools/..."; MOSAIC_BIN names the folder of the binaries.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mosaic::test_support {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A tool's path: in MOSAIC_BIN (set by ctest), else next to this test program (both in build/bin).
inline std::string tool_path(const std::string& name) {
  if (const char* bin = std::getenv("MOSAIC_BIN")) return (std::filesystem::path(bin) / name).string();
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / name).string();
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command, its output collected in `log` (default: a file of this process, removed).
inline CommandResult run_command(const std::string& command, std::filesystem::path log = {}) {
  const bool own_log = log.empty();
  if (own_log) log = std::filesystem::temp_directory_path() / ("mosaic_test_output_" + std::to_string(::getpid()));
  const int status = std::system((command + " > '" + log.string() + "' 2>&1").c_str());
  CommandResult result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(log)};
  if (own_log) std::filesystem::remove(log);
  return result;
}

}  // namespace mosaic::test_support
