#include "trainer/checkpoint.hpp"

#include <climits>
#include <cmath>
#include <cstring>

#include "models/atomic_file.hpp"
#include "models/checksum.hpp"
#include "models/error.hpp"
#include "models/input_file.hpp"
#include "models/json_fields.hpp"

namespace mosaic::train {

namespace {

// Version 2: a first line "mosaic-train-checkpoint 2 fnv1a64 <16 hex>" whose checksum covers
// every byte after it (the JSON header line and the payload).
constexpr const char* kMagic = "mosaic-train-checkpoint 2 fnv1a64 ";

std::vector<const std::vector<float>*> arrays_of(const TrainingState& s) {
  return {&s.params.input, &s.params.recurrent, &s.adam.first.input, &s.adam.first.recurrent,
          &s.adam.second.input, &s.adam.second.recurrent};
}

std::vector<std::vector<float>*> arrays_of(TrainingState& s) {
  return {&s.params.input, &s.params.recurrent, &s.adam.first.input, &s.adam.first.recurrent,
          &s.adam.second.input, &s.adam.second.recurrent};
}

const char* const kArrayNames[] = {"weights.input", "weights.recurrent", "adam.first.input", "adam.first.recurrent",
                                   "adam.second.input", "adam.second.recurrent"};

std::string payload_of(const TrainingState& state) {
  std::string bytes;
  for (const auto* a : arrays_of(state)) bytes.append(reinterpret_cast<const char*>(a->data()), a->size() * sizeof(float));
  bytes.append(reinterpret_cast<const char*>(state.links.raw().data()), state.links.raw().size());
  return bytes;
}

}  // namespace

void write_checkpoint(const std::string& path, const nlohmann::json& identity, const TrainingState& state) {
  const std::string payload = payload_of(state);
  nlohmann::json header;
  header["identity"] = identity;
  header["epochs_done"] = state.epochs_done;
  header["adam_step"] = state.adam.step;
  header["log"] = state.log;
  nlohmann::json sizes = nlohmann::json::array();
  for (const auto* a : arrays_of(state)) sizes.push_back(a->size());
  header["array_sizes"] = sizes;
  header["links_size"] = state.links.raw().size();
  header["payload_bytes"] = payload.size();
  write_text_atomic(path, seal_checkpoint(header.dump() + "\n" + payload));
}

std::string seal_checkpoint(std::string_view body) {
  return kMagic + hex64(fnv1a64(body.data(), body.size())) + "\n" + std::string(body);
}

TrainingState read_checkpoint(const std::string& path, const nlohmann::json& identity, const CheckpointShape& shape) {
  const std::string bytes = read_input_file(path);
  const std::string magic = kMagic;
  const std::size_t first_line = magic.size() + 16;
  if (bytes.compare(0, magic.size(), magic) != 0 || bytes.size() <= first_line || bytes[first_line] != '\n') {
    const bool older = bytes.compare(0, 1, "{") == 0;
    throw InputError(path, "(first line)", older ? "a checkpoint of an older format; drop --resume to start over"
                                                 : "not a mosaic-train checkpoint of version 2");
  }
  const std::string_view body(bytes.data() + first_line + 1, bytes.size() - first_line - 1);
  if (bytes.compare(magic.size(), 16, hex64(fnv1a64(body.data(), body.size()))) != 0) {
    throw InputError(path, "(checksum)", "the file does not match its checksum (damaged or truncated)");
  }
  const std::size_t newline = body.find('\n');
  if (newline == std::string::npos) throw InputError(path, "(header)", "missing");
  const nlohmann::json header = parse_json_text(std::string(body.substr(0, newline)), path);
  const JsonFields h(header, path, "");
  h.only({"identity", "epochs_done", "adam_step", "log", "array_sizes", "links_size", "payload_bytes"});
  const nlohmann::json& written_for = h.value("identity");
  if (written_for != identity) {
    std::string differing;
    for (const auto& [key, value] : identity.items())
      if (!written_for.is_object() || !written_for.contains(key) || written_for[key] != value) differing += " " + key;
    h.fail("identity", "written for a different run (differs in:" + differing + "); use the same options, or drop --resume");
  }

  const std::string_view payload = body.substr(newline + 1);
  const long payload_bytes = h.integer("payload_bytes", 0, LONG_MAX);
  if (static_cast<std::size_t>(payload_bytes) != payload.size()) {
    h.fail("payload_bytes", "is " + std::to_string(payload_bytes) + " but the file holds " + std::to_string(payload.size()) +
                                " bytes after the header (truncated, or trailing bytes)");
  }

  // Sizes come from this run's configuration; the file must agree with them.
  TrainingState state;
  const TrainingState& fresh = *shape.fresh;
  const auto expected = arrays_of(fresh);
  const auto& sizes = h.array("array_sizes");
  if (sizes.size() != expected.size()) h.fail("array_sizes", "must list " + std::to_string(expected.size()) + " sizes");
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (!sizes[i].is_number_unsigned() || sizes[i].get<std::size_t>() != expected[i]->size()) {
      h.fail("array_sizes[" + std::to_string(i) + "]", "is " + sizes[i].dump() + "; this run's " + kArrayNames[i] +
                                                           " has " + std::to_string(expected[i]->size()) + " values");
    }
  }
  const std::size_t links_size = fresh.links.raw().size();
  h.integer("links_size", static_cast<long>(links_size), static_cast<long>(links_size));
  std::size_t expected_bytes = links_size;
  for (const auto* a : expected) expected_bytes += a->size() * sizeof(float);
  if (payload.size() != expected_bytes) h.fail("payload_bytes", "does not match the array sizes");

  std::size_t offset = 0;
  auto arrays = arrays_of(state);
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    arrays[i]->resize(expected[i]->size());
    std::memcpy(arrays[i]->data(), payload.data() + offset, arrays[i]->size() * sizeof(float));
    offset += arrays[i]->size() * sizeof(float);
    for (std::size_t j = 0; j < arrays[i]->size(); ++j) {
      if (!std::isfinite((*arrays[i])[j])) {
        throw InputError(path, std::string(kArrayNames[i]) + "[" + std::to_string(j) + "]", "is not finite");
      }
    }
  }
  std::vector<uint8_t> alive(payload.begin() + static_cast<std::ptrdiff_t>(offset), payload.end());
  for (std::size_t i = 0; i < alive.size(); ++i) {
    if (alive[i] > 1) throw InputError(path, "links[" + std::to_string(i) + "]", "link flag must be 0 or 1");
  }
  state.links = fresh.links;
  state.links.set_raw(std::move(alive));

  state.epochs_done = static_cast<int>(h.integer("epochs_done", 0, shape.epochs));
  const long steps = static_cast<long>(state.epochs_done) * shape.steps_per_epoch;
  state.adam.step = h.integer("adam_step", steps, steps);  // one Adam update per mini-batch
  const auto& log = h.array("log");
  if (log.size() != static_cast<std::size_t>(state.epochs_done)) {
    h.fail("log", "has " + std::to_string(log.size()) + " records for " + std::to_string(state.epochs_done) + " epochs");
  }
  for (std::size_t i = 0; i < log.size(); ++i) {
    const JsonFields record(log[i], path, "log[" + std::to_string(i) + "]");
    record.integer("epoch", static_cast<long>(i) + 1, static_cast<long>(i) + 1);
    state.log.push_back(log[i]);
  }
  return state;
}

}  // namespace mosaic::train
