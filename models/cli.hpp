#pragma once
// The one way every tool reads its command line (CLI11). --help prints the help (exit 0); a
// bad option or value is an InputError naming "command line" and the option, so run_tool
// prints "<tool>: error: command line: <option>: <problem>" and exits 2 (models/error.hpp).
// An unknown option gets "did you mean --x?" when one of the tool's options is near: CLI11
// itself only lists the allowed values of an option (IsMember), never a near name.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mosaic {

constexpr const char* kCommandLine = "command line";  // the "file" of a bad option

// Parses; returns false when --help was asked for and printed (the tool then exits 0).
// Every other failure throws InputError.
bool parse_command_line(CLI::App& app, int argc, char** argv);

// The candidate nearest to `word` by edit distance when it is close enough to be a slip
// (at most a third of the word's length, at least 1), else "". Ties: the first candidate.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mosaic
