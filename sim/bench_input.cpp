// mosaic-sim-bench-input: an input of exactly N recordings for the benchmark (SHD's test set
// has 2264), made by cycling through the recordings of an SHD-format file.
#include <iostream>

#include <CLI/CLI.hpp>

#include "models/cli.hpp"
#include "models/error.hpp"
#include "models/shd.hpp"

int main(int argc, char** argv) {
  return mosaic::run_tool("mosaic-sim-bench-input", [&] {
    std::string from, out;
    int recordings = 2264, channels = mosaic::kShdChannels, classes = mosaic::kShdClasses;
    CLI::App app("Writes an SHD-format file of N recordings cycled from another one (benchmark input).");
    app.add_option("--from", from, "SHD-format source file")->required();
    app.add_option("--out", out, "file to write")->required();
    app.add_option("--recordings", recordings, "recordings to write")->capture_default_str();
    app.add_option("--channels", channels, "channels of the source")->capture_default_str();
    app.add_option("--classes", classes, "classes of the source")->capture_default_str();
    if (!mosaic::parse_command_line(app, argc, argv)) return 0;  // --help
    mosaic::ShdReader reader(from, channels, classes);
    if (reader.size() == 0) throw mosaic::InputError(from, "/spikes/times", "holds no sample");
    std::vector<mosaic::ShdSample> source;
    for (std::size_t i = 0; i < reader.size(); ++i) source.push_back(reader.read(i));
    std::vector<mosaic::ShdSample> samples;
    for (int i = 0; i < recordings; ++i) samples.push_back(source[i % source.size()]);
    mosaic::write_shd(out, samples, reader.extra());
    std::cout << "wrote " << recordings << " recordings (cycled from " << source.size() << ") to " << out << "\n";
    return 0;
  });
}
