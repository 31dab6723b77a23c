#include "models/cli.hpp"

#include <algorithm>
#include <cctype>

#include "models/error.hpp"
#include "models/json_fields.hpp"

namespace mosaic {

namespace {

// Every "--name" and "-n" of the app and of its subcommands (mosaic-nir import/export), for
// suggestions and to find the option a message names.
std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::vector<std::string> inner = option_names(*sub);
    names.insert(names.end(), inner.begin(), inner.end());
  }
  return names;
}

// The first of the app's options that CLI11's message names, or "" (the message then stands alone).
std::string option_in_message(const std::string& message, const std::vector<std::string>& names) {
  std::size_t best = std::string::npos;
  std::string found;
  for (const std::string& name : names) {
    if (name.size() < 3) continue;  // "-j" would match inside words
    for (std::size_t at = message.find(name); at != std::string::npos; at = message.find(name, at + 1)) {
      const std::size_t end = at + name.size();
      const bool whole = end == message.size() || !(std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '-');
      if (whole && at < best) {
        best = at;
        found = name;
      }
    }
  }
  return found;
}

}  // namespace

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

bool parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return true;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {  // --help
      app.exit(e);
      return false;
    }
    const std::vector<std::string> names = option_names(app);
    // An unknown option first: it is the likeliest cause of whatever else CLI11 reports (a
    // "required" option that was misspelt), and CLI11 checks requirements before extras.
    const std::vector<std::string> extras = app.remaining(true);
    for (const std::string& extra : extras) {
      if (extra.size() < 2 || extra[0] != '-' || std::isdigit(static_cast<unsigned char>(extra[1]))) continue;
      const std::string option = extra.substr(0, extra.find('='));
      const std::string near = nearest_name(option, names);
      throw InputError(kCommandLine, option, "unknown option" + (near.empty() ? "" : "; did you mean " + near + "?"));
    }
    if (dynamic_cast<const CLI::ExtrasError*>(&e) && !extras.empty())
      throw InputError(kCommandLine, extras.front(), "unexpected argument");
    const std::string option = option_in_message(e.what(), names);
    throw InputError(kCommandLine, option.empty() ? "options" : option, e.what());
  }
}

}  // namespace mosaic
