// Fuzz target: a NIR graph (tools/nir/nir_graph.cpp, read_graph; tools/nir/convert.cpp,
// import_graph) as mosaic-nir import opens it: the HDF5 file through the checked helpers of
// models/hdf5.hpp, then the graph turned into a network on a 2x2x8 chip. An accepted graph
// must give a network that validates and writes.
#include "models/network.hpp"
#include "tests/fuzz/fuzz_target.hpp"
#include "tools/nir/convert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  const std::string& path = fuzz::write_scratch(data, size, "-graph.nir");
  return fuzz::expect_input_errors([&] {
    const nir::Graph graph = nir::read_graph(path);
    for (const bool restore : {true, false}) {  // the stored network (a mosaic-nir export) and the graph's parameters
      nir::ImportOptions options;
      options.arch = Arch::parse("2x2x8");
      options.dt_ms = 1.0;
      options.bins = 10;
      options.restore = restore && graph.metadata.count("mosaic_network") > 0;
      const nir::ImportResult result = nir::import_graph(graph, options, path);
      validate_network(result.net, path);
      fuzz::require(network_from_json(network_to_json(result.net), path).recurrent.size() == result.net.recurrent.size(),
                    "an imported network reads back");
    }
  });
}
