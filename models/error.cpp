#include "models/error.hpp"

#include <exception>
#include <iostream>

namespace mosaic {

InputError::InputError(const std::string& file, const std::string& field, const std::string& problem)
    : std::runtime_error(file + ": " + field + ": " + problem), file_(file), field_(field), problem_(problem) {}

int run_tool(const std::string& tool_name, const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& e) {
    std::cerr << tool_name << ": error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << tool_name << ": internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mosaic
