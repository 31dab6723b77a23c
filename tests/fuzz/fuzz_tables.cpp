// Fuzz target: routing tables (mapping/routing_tables.cpp, read_tables) as mosaic-sim and
// mosaic-map --check load them, against the small network the seed tables were made for
// (tests/fuzz/data/net.json). Accepted tables are then followed source by source
// (table_problems), as --check does; that must report problems, never crash.
#include "mapping/routing_tables.hpp"
#include "models/network.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  static const Network net = read_network(MOSAIC_SOURCE_DIR "/tests/fuzz/data/net.json");
  const std::string& path = fuzz::write_scratch(data, size, "-routes.json");
  return fuzz::expect_input_errors([&] {
    const mapping::RoutingTables tables = mapping::read_tables(path, net);
    fuzz::require(tables.arch == net.arch.name(), "tables for another arch accepted");
    (void)mapping::table_problems(net, tables);
    const mapping::RoutingTables again = mapping::tables_from_json(mapping::tables_to_json(tables), path, net);
    fuzz::require(mapping::tables_to_json(again) == mapping::tables_to_json(tables), "written and read back, the tables change");
  });
}
