#pragma once
// mosaic-net <-> NIR graph (tools/nir/README.md; the discretisation is models/SPEC.md
// section 9.2).
//
// Export: Input -> Linear (input weights) -> LIF, with a recurrent Linear LIF -> LIF, and a
// one-hot Linear LIF -> Output over the output neurons. The LIF parameters reproduce our
// discrete dynamics at the network's dt: tau = -dt / ln(alpha), r = 1 / (1 - alpha), so
// that NIR's equations discretised exactly for input held over a step give v = alpha v + W z.
// What NIR cannot hold (reset by subtraction, alpha, dt, interleave_k, the chip and the
// placement, zero-weight synapses, provenance) goes into the graph's metadata; import restores it.
//
// Import: graphs of Input, Output, Linear, Affine, LIF, CubaLIF (and LI/CubaLI read-outs made
// spiking on request), recurrent edges, any number of layers. Every neuron becomes a Mosaic
// neuron, layers laid out compactly in neuron-id order (layer by layer), weights scaled into
// our units. Anything else is refused with the node named.
#include <optional>
#include <string>
#include <vector>

#include "models/network.hpp"
#include "tools/nir/nir_graph.hpp"

namespace mosaic::nir {

// Throws InputError (naming `file`) for a network NIR cannot express here (a synapse network).
Graph export_network(const Network& net, const std::string& file);

struct ImportOptions {
  Arch arch;
  double dt_ms = 1.0;
  std::string reset = "value";        // value (NIR's v_reset), zero, subtract
  std::optional<float> readout_lif;   // --readout lif:THRESHOLD: LI/CubaLI become spiking
  int bins = 100;                     // steps per sample; input bins are dt wide
  bool restore = true;                // a mosaic-nir export: restore the network from its metadata
};

struct Layer {
  std::string node, type;
  int first_neuron = 0, neurons = 0;
};

struct ImportResult {
  Network net;
  bool restored = false;            // a mosaic-nir export: restored from its metadata
  std::vector<Layer> layers;
  int depth = 0;                    // spiking layers on the longest feed-forward path
  int extra_latency_steps = 0;      // depth - 1: each feed-forward synapse delays one step
  std::vector<std::string> notes;   // what the user must know (replaced read-outs, drift...)
};

ImportResult import_graph(const Graph& graph, const ImportOptions& options, const std::string& file);

}  // namespace mosaic::nir
