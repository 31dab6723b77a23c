#include "models/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/error.hpp"

namespace mosaic {

void check_input_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) throw InputError(path, "(file)", "does not exist");
  if (std::filesystem::is_directory(status)) throw InputError(path, "(file)", "is a folder, not a file");
  if (!std::filesystem::is_regular_file(status)) throw InputError(path, "(file)", "is not a regular file");
}

std::string read_input_file(const std::string& path) {
  check_input_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "(file)", std::string("cannot be opened: ") + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError(path, "(file)", "cannot be read");
  return bytes.str();
}

}  // namespace mosaic
