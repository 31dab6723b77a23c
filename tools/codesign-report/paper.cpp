#include "tools/codesign-report/paper.hpp"

#include <cmath>
#include <sstream>

#include "models/error.hpp"
#include "models/input_file.hpp"

namespace mosaic::codesign {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}

double number(const std::string& text, const std::string& path, const std::string& where) {
  std::size_t used = 0;
  double v = NAN;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(v)) throw InputError(path, where, "'" + text + "' is not a number");
  return v;
}

}  // namespace

PaperFigures read_paper_figures(const std::string& path) {
  std::istringstream in(read_input_file(path));
  PaperFigures paper;
  paper.path = path;
  std::vector<double> p3_columns;
  enum { None, Memory, Profile } table = None;
  std::string line;
  for (int number_of_line = 1; std::getline(in, line); ++number_of_line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = "line " + std::to_string(number_of_line);
    const auto fields = split_tabs(line);
    if (fields[0] == "series") {
      table = Memory;
      continue;
    }
    if (fields[0] == "p1") {
      table = Profile;
      p3_columns.clear();
      for (std::size_t i = 1; i < fields.size(); ++i) {
        if (fields[i].rfind("p3=", 0) != 0) throw InputError(path, where, "column '" + fields[i] + "' is not p3=<value>");
        p3_columns.push_back(number(fields[i].substr(3), path, where));
      }
      continue;
    }
    if (table == Memory) {
      if (fields.size() != 3) throw InputError(path, where, "needs 3 tab-separated fields: series, memory_cells, accuracy_pct");
      const MemoryAccuracy point{number(fields[1], path, where), number(fields[2], path, where) / 100, ""};
      if (fields[0] == "routing-aware")
        paper.routing_aware.push_back(point);
      else if (fields[0] == "baseline")
        paper.baseline.push_back(point);
      else
        throw InputError(path, where, "unknown series '" + fields[0] + "' (routing-aware, baseline)");
    } else if (table == Profile) {
      if (fields.size() != p3_columns.size() + 1)
        throw InputError(path, where, "needs p1 and " + std::to_string(p3_columns.size()) + " accuracies");
      const double p1 = number(fields[0], path, where);
      for (std::size_t i = 0; i < p3_columns.size(); ++i)
        paper.by_profile[p1][p3_columns[i]] = number(fields[i + 1], path, where) / 100;
    } else {
      throw InputError(path, where, "data before a header line (series ... or p1 ...)");
    }
  }
  if (paper.routing_aware.empty() || paper.baseline.empty())
    throw InputError(path, "series", "needs routing-aware and baseline points");
  return paper;
}

}  // namespace mosaic::codesign
