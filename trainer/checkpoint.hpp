#pragma once
// Checkpoints: one file, written atomically after every epoch. A JSON header line (format,
// the run's identity, epoch, Adam step, the log so far, array sizes) followed by the raw
// float32 arrays and the link map, so weights and moments come back bit for bit.
#include <string>

#include <nlohmann/json.hpp>

#include "trainer/trainer.hpp"

namespace mosaic::train {

void write_checkpoint(const std::string& path, const nlohmann::json& identity, const TrainingState& state);

// Refuses (InputError) a file that is not a checkpoint or was written for another run
// (`identity` differs: configuration, data files). `links` gives the shape of the link map.
TrainingState read_checkpoint(const std::string& path, const nlohmann::json& identity, const LinkMap& links);

}  // namespace mosaic::train
