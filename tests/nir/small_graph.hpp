#pragma once
// The smallest well-formed graph the NIR tests start from (and break one rule of):
// Input(2) -> Linear(3x2) -> LIF(3) -> Output(3).
#include "tools/nir/nir_graph.hpp"

namespace mosaic::test_support {

inline nir::Graph small_nir_graph() {
  using nir::Node;
  using nir::Value;
  nir::Graph g;
  g.nodes["in"] = Node{"Input", {{"shape", Value::vector({2})}}, {}};
  g.nodes["w"] = Node{"Linear", {{"weight", Value::matrix(3, 2, {1, 0, 0, 1, 1, 1})}}, {}};
  g.nodes["lif"] = Node{"LIF",
                        {{"tau", Value::vector({0.02, 0.02, 0.02})}, {"r", Value::vector({1, 1, 1})},
                         {"v_leak", Value::vector({0, 0, 0})}, {"v_threshold", Value::vector({1, 1, 1})}},
                        {}};
  g.nodes["out"] = Node{"Output", {{"shape", Value::vector({3})}}, {}};
  g.edges = {{"in", "w"}, {"w", "lif"}, {"lif", "out"}};
  return g;
}

}  // namespace mosaic::test_support
