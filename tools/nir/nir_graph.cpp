#include "tools/nir/nir_graph.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <numeric>

#include "models/error.hpp"
#include "models/hdf5.hpp"
#include "models/input_file.hpp"

namespace mosaic::nir {

Value Value::vector(std::vector<double> v) {
  Value out;
  out.shape = {v.size()};
  out.numbers = std::move(v);
  return out;
}

Value Value::matrix(std::uint64_t rows, std::uint64_t cols, std::vector<double> v) {
  Value out;
  out.shape = {rows, cols};
  out.numbers = std::move(v);
  return out;
}

std::uint64_t Value::size() const {
  return std::accumulate(shape.begin(), shape.end(), std::uint64_t{1}, std::multiplies<>());
}

namespace {

using h5::checked_id;
using h5::Id;

// Reading ------------------------------------------------------------------------------

// Nested NIRGraph nodes deeper than this are refused: HDF5 hard links can make a group its
// own descendant, and the reader recurses once per level.
constexpr int kMaxNesting = 16;

// Deflate, the filter NIR's writer uses, compresses at most 1032 to 1: a dataset claiming
// more bytes than that over the whole file is damaged (its dataspace would make us
// allocate without bound).
constexpr std::uint64_t kMaxCompression = 1032;

class Reader {
 public:
  explicit Reader(const std::string& path) : file_(path) {}

  Graph read() {
    Graph graph;
    if (exists(file_.get(), "version")) {
      const Value version = read_value(file_.get(), "version", "version");
      if (!version.is_string || version.strings.size() != 1) fail("version", "must be one string");
      graph.version = version.strings[0];
    }
    if (!exists(file_.get(), "node")) fail("node", "missing: the file holds no NIR graph");
    read_graph_group(file_.get(), "node", "node", graph, "", 0);
    return graph;
  }

 private:
  [[noreturn]] void fail(const std::string& field, const std::string& problem) const { throw file_.error(field, problem); }

  bool exists(hid_t parent, const char* name) const { return file_.exists(name, parent); }

  Id open_group(hid_t parent, const std::string& name, const std::string& field) const {
    Id group(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid()) fail(field, "must be an HDF5 group");
    return group;
  }

  std::vector<std::string> children(hid_t group, const std::string& field) const {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) fail(field, "cannot list the group");
    if (info.nlinks > file_.size()) fail(field, "claims more members than the file has bytes (damaged file)");
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t size = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (size < 0 || static_cast<std::size_t>(size) > file_.size()) fail(field, "cannot read a link name");
      std::string name(static_cast<std::size_t>(size), '\0');
      if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT) < 0)
        fail(field, "cannot read a link name");
      names.push_back(name);
    }
    return names;
  }

  // Only hard links: a soft or external link would make us read another place or file.
  bool is_group(hid_t parent, const std::string& name, const std::string& field) const {
    H5L_info_t link;
    if (H5Lget_info(parent, name.c_str(), &link, H5P_DEFAULT) < 0) fail(field, "cannot read the link");
    if (link.type != H5L_TYPE_HARD) fail(field, "is a soft or external link; a NIR graph holds groups and datasets only");
    Id object(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid()) fail(field, "cannot open the object");
    const H5I_type_t type = H5Iget_type(object.get());
    if (type != H5I_GROUP && type != H5I_DATASET) fail(field, "is neither a group nor a dataset");
    return type == H5I_GROUP;
  }

  Value read_value(hid_t parent, const std::string& name, const std::string& field) const {
    Id dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) fail(field, "must be a dataset");
    Id space(H5Dget_space(dataset.get()), H5Sclose);
    Id type(H5Dget_type(dataset.get()), H5Tclose);
    if (!space.valid() || !type.valid()) fail(field, "cannot read the dataset's shape or type");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 8) fail(field, "has an unsupported shape");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0) h5::check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "H5Sget_simple_extent_dims");
    Value value;
    value.shape.assign(dims.begin(), dims.end());
    // The element count, bounded before any product can overflow or any buffer is made.
    std::uint64_t count = 1;
    const std::uint64_t limit = (file_.size() + 1) * kMaxCompression;
    for (hsize_t d : dims) {
      if (d != 0 && count > limit / d) fail(field, fmt::format("claims shape {}, more than the file's {} bytes can hold",
                                                               fmt::join(dims, "x"), file_.size()));
      count *= d;
    }
    const H5T_class_t type_class = H5Tget_class(type.get());
    if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
      if (count * H5Tget_size(type.get()) > limit)
        fail(field, fmt::format("claims shape {}, more than the file's {} bytes can hold", fmt::join(dims, "x"), file_.size()));
      value.numbers.resize(count);
      if (count > 0 && H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, value.numbers.data()) < 0)
        fail(field, "cannot be read as numbers");
      value.float32 = type_class == H5T_FLOAT && H5Tget_size(type.get()) == 4;
      return value;
    }
    if (type_class != H5T_STRING) fail(field, "has an unsupported data type (numbers or strings expected)");
    value.is_string = true;
    value.strings = file_.read_strings(dataset, count, field);
    return value;
  }

  std::string read_type(hid_t group, const std::string& field) const {
    if (!exists(group, "type")) fail(field + ".type", "missing: every NIR node names its type");
    const Value type = read_value(group, "type", field + ".type");
    if (!type.is_string || type.strings.size() != 1) fail(field + ".type", "must be one string");
    return type.strings[0];
  }

  std::map<std::string, Value> read_metadata(hid_t group, const std::string& field) const {
    std::map<std::string, Value> metadata;
    if (!exists(group, "metadata")) return metadata;
    Id meta = open_group(group, "metadata", field + ".metadata");
    for (const std::string& name : children(meta.get(), field + ".metadata")) {
      const std::string child = field + ".metadata." + name;
      if (is_group(meta.get(), name, child)) continue;  // nested metadata: not ours, skipped
      metadata[name] = read_value(meta.get(), name, child);
    }
    return metadata;
  }

  // Reads the NIRGraph in `name` under `parent` into `graph`, its node names prefixed by `prefix`.
  void read_graph_group(hid_t parent, const std::string& name, const std::string& field, Graph& graph,
                        const std::string& prefix, int depth) const {
    if (depth > kMaxNesting) fail(field, fmt::format("nested graphs deeper than {} levels", kMaxNesting));
    Id group = open_group(parent, name, field);
    const std::string type = read_type(group.get(), field);
    if (type != "NIRGraph") fail(field + ".type", "is \"" + type + "\"; the top node must be a NIRGraph");
    if (!exists(group.get(), "nodes")) fail(field + ".nodes", "missing");
    Id nodes = open_group(group.get(), "nodes", field + ".nodes");
    std::vector<std::pair<std::string, std::string>> edges;
    std::map<std::string, std::pair<std::string, std::string>> subgraph_ports;  // name -> (input, output)
    for (const std::string& node_name : children(nodes.get(), field + ".nodes")) {
      const std::string node_field = field + ".nodes." + node_name;
      if (node_name.find('.') != std::string::npos) fail(node_field, "node names must not contain '.'");
      if (!is_group(nodes.get(), node_name, node_field)) fail(node_field, "must be a group");
      Id node_group = open_group(nodes.get(), node_name, node_field);
      const std::string node_type = read_type(node_group.get(), node_field);
      if (node_type == "NIRGraph") {
        subgraph_ports[node_name] = flatten_subgraph(nodes.get(), node_name, node_field, graph, prefix + node_name + ".", depth + 1);
        continue;
      }
      Node node;
      node.type = node_type;
      for (const std::string& child : children(node_group.get(), node_field)) {
        if (child == "type") continue;
        if (is_group(node_group.get(), child, node_field + "." + child)) continue;  // metadata, input_type, output_type
        node.params[child] = read_value(node_group.get(), child, node_field + "." + child);
      }
      node.metadata = read_metadata(node_group.get(), node_field);
      graph.nodes[prefix + node_name] = std::move(node);
    }
    if (!exists(group.get(), "edges")) fail(field + ".edges", "missing");
    const Value edge_value = read_value(group.get(), "edges", field + ".edges");
    const bool empty = edge_value.size() == 0;
    if (!empty && (!edge_value.is_string || edge_value.shape.size() != 2 || edge_value.shape[1] != 2))
      fail(field + ".edges", "must be an (E, 2) array of node names");
    for (std::uint64_t e = 0; !empty && e < edge_value.shape[0]; ++e) {
      std::string from = edge_value.strings[2 * e], to = edge_value.strings[2 * e + 1];
      const std::string edge_field = field + ".edges[" + std::to_string(e) + "]";
      for (std::string* end : {&from, &to}) {
        const bool is_sub = subgraph_ports.count(*end) > 0;
        if (!is_sub && !graph.nodes.count(prefix + *end))
          fail(edge_field, "names node \"" + *end + "\", which the graph does not have");
        if (is_sub) *end = end == &from ? subgraph_ports[*end].second : subgraph_ports[*end].first;
        else *end = prefix + *end;
      }
      graph.edges.emplace_back(from, to);
    }
    if (prefix.empty()) graph.metadata = read_metadata(group.get(), field);
  }

  // A nested graph's nodes join the outer graph; its Input and Output become pass-through
  // nodes ("Identity") that the outer edges enter and leave by. Returns (input, output) names.
  std::pair<std::string, std::string> flatten_subgraph(hid_t nodes, const std::string& name, const std::string& field,
                                                       Graph& graph, const std::string& prefix, int depth) const {
    const std::size_t before = graph.nodes.size();
    read_graph_group(nodes, name, field, graph, prefix, depth);
    std::string input, output;
    for (auto& [node_name, node] : graph.nodes) {
      if (node_name.rfind(prefix, 0) != 0 || node_name.find('.', prefix.size()) != std::string::npos) continue;
      if (node.type == "Input") {
        if (!input.empty()) fail(field, "a nested graph needs exactly one Input node");
        input = node_name, node.type = "Identity";
      } else if (node.type == "Output") {
        if (!output.empty()) fail(field, "a nested graph needs exactly one Output node");
        output = node_name, node.type = "Identity";
      }
    }
    if (input.empty() || output.empty() || graph.nodes.size() == before)
      fail(field, "a nested graph needs exactly one Input and one Output node");
    return {input, output};
  }

  h5::InputFile file_;
};

// Writing ------------------------------------------------------------------------------

constexpr std::uint64_t kCompressFrom = 4096;  // elements

void write_value(hid_t parent, const std::string& name, const Value& value) {
  std::vector<hsize_t> dims(value.shape.begin(), value.shape.end());
  Id space = dims.empty() ? checked_id(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate")
                          : checked_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                                       "H5Screate_simple");
  Id creation = h5::untimed_creation_plist(H5P_DATASET_CREATE);
  if (value.is_string) {
    Id type = h5::vlen_string_type();
    Id dataset = checked_id(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                            H5Dclose, name.c_str());
    std::vector<const char*> text;
    for (const std::string& s : value.strings) text.push_back(s.c_str());
    if (!text.empty()) h5::check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), name.c_str());
    return;
  }
  const hid_t file_type = value.integer ? H5T_STD_I64LE : value.float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  if (value.size() >= kCompressFrom && dims.size() >= 1) {  // weight matrices: gzip, as nir.write does
    h5::check(H5Pset_chunk(creation.get(), static_cast<int>(dims.size()), dims.data()), "H5Pset_chunk");
    h5::check(H5Pset_deflate(creation.get(), 4), "H5Pset_deflate");
  }
  Id dataset = checked_id(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
                          H5Dclose, name.c_str());
  if (!value.numbers.empty())
    h5::check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, value.numbers.data()), name.c_str());
}

void write_metadata(hid_t parent, const std::map<std::string, Value>& metadata) {
  if (metadata.empty()) return;  // as nir.write: no group for empty metadata
  Id group = h5::create_group(parent, "metadata");
  for (const auto& [name, value] : metadata) write_value(group.get(), name, value);
}

}  // namespace

Graph read_graph(const std::string& path) {
  check_input_file(path);
  // A damaged file that still crashes libhdf5 is read first in a child (models/hdf5.hpp).
  h5::read_in_child(path, [&] { Reader(path).read(); });
  return Reader(path).read();
}

void write_graph(const std::string& path, const Graph& graph) {
  // Built in memory, written by the checked atomic writer (models/hdf5.hpp).
  h5::write_file_atomic(path, [&](hid_t file) {
    write_value(file, "version", Value::text(graph.version));
    Id top = h5::create_group(file, "node");
    write_value(top.get(), "type", Value::text("NIRGraph"));
    {
      Id nodes = h5::create_group(top.get(), "nodes");
      for (const auto& [name, node] : graph.nodes) {
        Id group = h5::create_group(nodes.get(), name.c_str());
        write_value(group.get(), "type", Value::text(node.type));
        for (const auto& [param, value] : node.params) write_value(group.get(), param, value);
        write_metadata(group.get(), node.metadata);
      }
    }
    Value edges;
    edges.is_string = true;
    edges.shape = {graph.edges.size(), 2};
    for (const auto& [from, to] : graph.edges) edges.strings.insert(edges.strings.end(), {from, to});
    write_value(top.get(), "edges", edges);
    write_metadata(top.get(), graph.metadata);
  });
}

}  // namespace mosaic::nir
