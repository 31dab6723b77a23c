// Fuzz target: the mosaic-net loader (models/network.cpp, read_network), as mosaic-sim,
// mosaic-map and mosaic-train --eval call it. What it accepts must be usable: it serialises
// and reloads to the same digest, and one sample bins and runs through the reference model.
#include "models/network.hpp"
#include "models/reference.hpp"
#include "models/shd.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

// A few events on low channels: enough to drive the binning and the reference pass.
mosaic::ShdSample probe_sample() {
  mosaic::ShdSample s;
  for (int i = 0; i < 32; ++i) {
    s.times.push_back(0.01f * static_cast<float>(i));
    s.units.push_back(static_cast<uint16_t>((i * 7) % 40));
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mosaic;
  const std::string& path = fuzz::write_scratch(data, size, "-network.json");
  return fuzz::expect_input_errors([&] {
    const Network net = read_network(path);
    const Network again = network_from_json(network_to_json(net), path);
    fuzz::require(network_digest(again) == network_digest(net), "written and read back, the digest changes");
    // The reference pass costs neurons x bins per subset; past this size it would only slow the fuzzer.
    const long work = static_cast<long>(net.arch.num_neurons()) * net.input.bins;
    if (work > 200000) return;
    const auto subsets = bin_all_subsets(probe_sample(), bin_spec(net.input));
    fuzz::require(!subsets.empty(), "binning gives no subset");
    ReferenceModel model(net);
    const ForwardResult result = model.run(subsets.front());
    fuzz::require(static_cast<int>(result.class_counts.size()) == net.num_classes, "one count per class");
  });
}
