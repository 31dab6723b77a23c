#pragma once
// The GTKWave save file written beside the VCD (sim/README.md, "Tracing"): the signals the VCD
// declares, grouped by block (chip markers first, then one group per tile and per router), with
// a display format per kind. It is made from the VCD's own declarations, so the names are
// defined in one place (the blocks' trace() functions) and the save file always matches.
#include <string>
#include <vector>

namespace mosaic::sim {

// One `$var` of a VCD header.
struct VcdVariable {
  std::string type;                // wire, real, ...
  int width = 1;
  std::string code;                // the identifier code used in value changes
  std::vector<std::string> scope;  // enclosing scopes, outermost first ("SystemC", "chip", "tile_0")
  std::string reference;           // the signal's name in its scope ("z_3", "out_N")
  std::string range;               // "[6:0]" for vectors, else empty
  // As GTKWave names it: scopes and reference joined by '.', then the range ("SystemC.chip.step[31:0]").
  std::string full_name() const;
};

// The declarations of the VCD at `path` (read up to $enddefinitions); InputError naming `name`
// (the path shown to the user) when the header is malformed or missing.
std::vector<VcdVariable> read_vcd_header(const std::string& path, const std::string& name);

// The save file's path for a VCD: its extension replaced by .gtkw.
std::string gtkwave_save_path(const std::string& vcd_path);

// The save file's text for `variables` of the VCD at `vcd_path`.
std::string gtkwave_save_file(const std::vector<VcdVariable>& variables, const std::string& vcd_path);

}  // namespace mosaic::sim
