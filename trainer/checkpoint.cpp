#include "trainer/checkpoint.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

#include "models/atomic_file.hpp"
#include "models/error.hpp"

namespace mosaic::train {

namespace {

constexpr const char* kFormat = "mosaic-train-checkpoint";
constexpr int kVersion = 1;

std::vector<const std::vector<float>*> arrays_of(const TrainingState& s) {
  return {&s.params.input, &s.params.recurrent, &s.adam.first.input, &s.adam.first.recurrent,
          &s.adam.second.input, &s.adam.second.recurrent};
}

std::vector<std::vector<float>*> arrays_of(TrainingState& s) {
  return {&s.params.input, &s.params.recurrent, &s.adam.first.input, &s.adam.first.recurrent,
          &s.adam.second.input, &s.adam.second.recurrent};
}

}  // namespace

void write_checkpoint(const std::string& path, const nlohmann::json& identity, const TrainingState& state) {
  nlohmann::json header;
  header["format"] = kFormat;
  header["version"] = kVersion;
  header["identity"] = identity;
  header["epochs_done"] = state.epochs_done;
  header["adam_step"] = state.adam.step;
  header["log"] = state.log;
  nlohmann::json sizes = nlohmann::json::array();
  for (const auto* a : arrays_of(state)) sizes.push_back(a->size());
  header["array_sizes"] = sizes;
  header["links_size"] = state.links.raw().size();
  std::string bytes = header.dump() + "\n";
  for (const auto* a : arrays_of(state))
    bytes.append(reinterpret_cast<const char*>(a->data()), a->size() * sizeof(float));
  bytes.append(reinterpret_cast<const char*>(state.links.raw().data()), state.links.raw().size());
  write_text_atomic(path, bytes);
}

TrainingState read_checkpoint(const std::string& path, const nlohmann::json& identity, const LinkMap& links) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open the checkpoint");
  std::string line;
  std::getline(in, line);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(line);
  } catch (const std::exception&) {
    throw InputError(path, "", "not a mosaic-train checkpoint");
  }
  if (header.value("format", "") != kFormat || header.value("version", 0) != kVersion)
    throw InputError(path, "format", "not a mosaic-train checkpoint of version 1");
  if (header["identity"] != identity) {
    std::string differing;
    for (const auto& [key, value] : identity.items())
      if (!header["identity"].contains(key) || header["identity"][key] != value) differing += " " + key;
    throw InputError(path, "identity", "written for a different run (differs in:" + differing +
                                           "); use the same options, or drop --resume");
  }
  TrainingState state;
  state.epochs_done = header.at("epochs_done").get<int>();
  state.adam.step = header.at("adam_step").get<long>();
  for (const auto& record : header.at("log")) state.log.push_back(record);
  const auto sizes = header.at("array_sizes").get<std::vector<std::size_t>>();
  auto arrays = arrays_of(state);
  if (sizes.size() != arrays.size()) throw InputError(path, "array_sizes", "wrong number of arrays");
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    arrays[i]->resize(sizes[i]);
    in.read(reinterpret_cast<char*>(arrays[i]->data()), static_cast<std::streamsize>(sizes[i] * sizeof(float)));
  }
  std::vector<uint8_t> alive(header.at("links_size").get<std::size_t>());
  in.read(reinterpret_cast<char*>(alive.data()), static_cast<std::streamsize>(alive.size()));
  if (!in || alive.size() != links.raw().size()) throw InputError(path, "", "truncated or for another architecture");
  state.links = links;
  state.links.set_raw(std::move(alive));
  return state;
}

}  // namespace mosaic::train
