// Fuzz target: an Arch file (models/arch.cpp, arch_from_json) read as mosaic-map --chip and
// mosaic-sim --arch read it: a bare Arch object, or one nested under "arch". What it accepts
// must describe a grid the tools can walk: every cell typed, every capacity looked up.
#include "models/arch.hpp"
#include "models/json_fields.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  const std::string& path = fuzz::write_scratch(data, size, "-arch.json");
  return fuzz::expect_input_errors([&] {
    const nlohmann::json j = read_json_file(path);
    const bool nested = j.is_object() && j.contains("arch");
    const Arch arch = arch_from_json(nested ? j.at("arch") : j, path, nested ? "arch" : "");
    fuzz::require(arch.num_tiles() > 0 && arch.num_neurons() > 0, "a chip without tiles or neurons");
    const Arch again = arch_from_json(arch_to_json(arch), path);
    fuzz::require(again.name() == arch.name(), "written and read back, the geometry changes");
    fuzz::require(arch_to_json(again) == arch_to_json(arch), "written and read back, the Arch changes");
    // Walking the grid costs its cells; a huge chip is legitimate but only slows the fuzzer.
    if (static_cast<long>(arch.grid_rows()) * arch.grid_cols() > 4096) return;
    long routers = 0;
    for (const GridPos p : arch.routers()) {
      fuzz::require(arch.cell_type(p) != CellType::NeuronTile, "a router position typed as a tile");
      if (arch.capacity_at(p)) ++routers;
    }
    for (int t = 0; t < arch.num_tiles(); ++t) {
      fuzz::require(arch.tile_at(arch.tile_pos(t)) == t, "tile position and id disagree");
      (void)arch.capacity_at(arch.tile_pos(t));
    }
    fuzz::require(arch.max_hop_distance() >= 0, "negative hop distance");
    (void)routers;
  });
}
