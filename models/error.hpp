#pragma once
// Bad input is the user's to fix: every tool reports it as one line naming the file and
// the field, and exits with status 2. Anything else is our bug and exits with status 1.
#include <functional>
#include <stdexcept>
#include <string>

namespace mosaic {

constexpr int kExitBadInput = 2;

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, const std::string& field, const std::string& problem);
  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  std::string field_;
  std::string problem_;
};

// Runs a tool's body: InputError -> "<tool>: error: <file>: <field>: <problem>", exit 2;
// any other exception -> "<tool>: internal error: ...", exit 1.
int run_tool(const std::string& tool_name, const std::function<int()>& body);

}  // namespace mosaic
