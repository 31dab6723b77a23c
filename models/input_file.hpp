#pragma once
// Opening a user's input file: a missing file, a folder, or a file that cannot be read is an
// InputError naming it (exit 2), checked in one place for every loader.
#include <string>

namespace mosaic {

// Throws InputError unless `path` names an existing regular file (or a symlink to one).
void check_input_file(const std::string& path);

// The whole file as bytes, after check_input_file; a read error is an InputError.
std::string read_input_file(const std::string& path);

}  // namespace mosaic
