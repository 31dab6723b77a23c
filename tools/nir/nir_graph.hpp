#pragma once
// NIR graphs (Neuromorphic Intermediate Representation, Pedersen et al., Nat. Commun. 2024)
// in their HDF5 serialisation, read and written with the HDF5 C API (tools/nir/README.md):
//   /version              string
//   /node/type            "NIRGraph"
//   /node/edges           (E, 2) strings: (from node, to node)
//   /node/nodes/<name>/   type (string) and one dataset per parameter; metadata/ group
//   /node/metadata/       optional group of datasets
// Nested graphs (a node of type NIRGraph) are flattened on reading: their nodes are named
// "<outer>.<inner>", edges into the subgraph enter at its Input node, edges out of it leave
// from its Output node.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mosaic::nir {

// One dataset: numbers (any integer or float type, held as double) or strings, with a shape
// (empty shape = scalar).
struct Value {
  std::vector<std::uint64_t> shape;
  std::vector<double> numbers;
  std::vector<std::string> strings;
  bool is_string = false;
  bool float32 = false;  // written as float32 (weights); float64 otherwise
  bool integer = false;  // written as int64 (shapes)

  static Value number(double v) { return Value{{}, {v}, {}, false}; }
  static Value text(const std::string& s) { return Value{{}, {}, {s}, true}; }
  static Value vector(std::vector<double> v);
  static Value matrix(std::uint64_t rows, std::uint64_t cols, std::vector<double> v);  // row-major
  std::uint64_t size() const;
};

struct Node {
  std::string type;
  std::map<std::string, Value> params;
  std::map<std::string, Value> metadata;
};

struct Graph {
  std::string version = "1.0.0";
  std::map<std::string, Node> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  std::map<std::string, Value> metadata;
};

// Throws InputError naming the file and the node or field ("node.nodes.lif.tau") on a file
// that is not a NIR graph.
Graph read_graph(const std::string& path);
// Atomic. Numbers as float64, or float32 where Value::float32 says so.
void write_graph(const std::string& path, const Graph& graph);

}  // namespace mosaic::nir
