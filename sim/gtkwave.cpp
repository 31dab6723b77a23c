#include "sim/gtkwave.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "models/error.hpp"

namespace mosaic::sim {

std::string VcdVariable::full_name() const {
  std::string name;
  for (const std::string& s : scope) name += s + ".";
  return name + reference + range;
}

std::vector<VcdVariable> read_vcd_header(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw InputError(name, "file", "cannot be read");
  std::vector<VcdVariable> variables;
  std::vector<std::string> scope;
  std::string word;
  const auto expect_end = [&](const std::string& what) {
    if (!(in >> word) || word != "$end") throw InputError(name, what, "is not closed by $end");
  };
  while (in >> word) {
    if (word == "$enddefinitions") return variables;
    if (word == "$scope") {
      std::string kind, scope_name;
      if (!(in >> kind >> scope_name)) throw InputError(name, "$scope", "is cut short");
      scope.push_back(scope_name);
      expect_end("$scope");
    } else if (word == "$upscope") {
      if (scope.empty()) throw InputError(name, "$upscope", "closes no scope");
      scope.pop_back();
      expect_end("$upscope");
    } else if (word == "$var") {
      VcdVariable v;
      std::string width;
      if (!(in >> v.type >> width >> v.code >> v.reference)) throw InputError(name, "$var", "is cut short");
      try {
        v.width = std::stoi(width);
      } catch (const std::exception&) {
        throw InputError(name, "$var " + v.reference, "has no width");
      }
      if (!(in >> word)) throw InputError(name, "$var " + v.reference, "is cut short");
      if (word != "$end") {
        v.range = word;
        expect_end("$var " + v.reference);
      }
      v.scope = scope;
      variables.push_back(std::move(v));
    } else if (word.size() > 1 && word[0] == '$') {
      while (in >> word && word != "$end") {}  // $date, $version, $timescale, $comment: skipped
    }
  }
  throw InputError(name, "$enddefinitions", "is missing: the VCD header is incomplete");
}

std::string gtkwave_save_path(const std::string& vcd_path) {
  return std::filesystem::path(vcd_path).replace_extension(".gtkw").string();
}

namespace {
// GTKWave trace flags (its save-file format): right-justified names, and the value display.
constexpr int kRightJustify = 0x20, kBinary = 0x08, kDecimal = 0x04, kAnalogStep = 0x8000, kAnalogRow = 0x20000;
constexpr int kBlank = 0x200, kGroupBegin = 0x800000, kGroupEnd = 0x1000000, kClosed = 0x400000;

std::string flags(int f) {
  std::ostringstream s;
  s << "@" << std::hex << f << "\n";
  return s.str();
}

int display_of(const VcdVariable& v) {
  if (v.type == "real") return kRightJustify | kAnalogStep;  // potentials: a waveform
  if (v.width == 1) return kRightJustify | kBinary;          // spike and input lines
  return kRightJustify | kDecimal;                           // sample, step, neuron ids, counts, FIFO levels
}
}  // namespace

std::string gtkwave_save_file(const std::vector<VcdVariable>& variables, const std::string& vcd_path) {
  // Group = the block's scope below the chip (tile_3, R1_2_1); signals of the chip itself first.
  std::vector<const VcdVariable*> top;
  std::map<std::string, std::vector<const VcdVariable*>> blocks;  // tiles and routers, by name
  std::vector<std::string> order;
  for (const VcdVariable& v : variables) {
    if (v.scope.size() < 3) {
      top.push_back(&v);
      continue;
    }
    const std::string& block = v.scope[2];
    if (!blocks.count(block)) order.push_back(block);
    blocks[block].push_back(&v);
  }
  std::ostringstream out;
  out << "[*] GTKWave save file written by mosaic-sim beside its VCD: the signals grouped by tile and\n"
         "[*] router (sim/README.md, \"Tracing\"). Open with: gtkwave "
      << std::filesystem::path(vcd_path).filename().string() << " "
      << std::filesystem::path(gtkwave_save_path(vcd_path)).filename().string() << "\n";
  out << "[dumpfile] \"" << std::filesystem::absolute(vcd_path).string() << "\"\n";
  out << "[timestart] 0\n[sst_expanded] 1\n";
  int shown = -1;
  const auto signal = [&](const VcdVariable& v) {
    const int display = display_of(v);
    if (display != shown) out << flags(display);
    shown = display;
    out << v.full_name() << "\n";
    if (v.type == "real") {
      out << flags(kAnalogRow) << "-\n";  // one more row of height for the waveform
      shown = -1;
    }
  };
  for (const VcdVariable* v : top) signal(*v);
  // Tiles before routers, each in the order the VCD declares them.
  for (const bool tiles : {true, false})
    for (const std::string& block : order) {
      if ((block.rfind("tile_", 0) == 0) != tiles) continue;
      out << flags(kGroupBegin | kBlank | kClosed) << "-" << block << "\n";
      shown = -1;
      for (const VcdVariable* v : blocks[block]) signal(*v);
      out << flags(kGroupEnd | kBlank | kClosed) << "-" << block << "\n";
      shown = -1;
    }
  return out.str();
}

}  // namespace mosaic::sim
