// Fault tests (issue 11): an output path that cannot be written ends every tool with exit status
// 2 and a message naming the path. Tests run as root, so permissions stop nothing: the path
// lies under a regular file, which fails with ENOTDIR for any user.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/faults/fault_support.hpp"

using namespace mosaic::faults;

// Every tool, every output option: a path it cannot create -> exit 2, the path named.
struct Unwritable {
  std::string name;
  std::string command;  // {out} stands for the unwritable path
};

void PrintTo(const Unwritable& u, std::ostream* os) { *os << u.name; }

class UnwritableOutput : public ::testing::TestWithParam<Unwritable> {};

TEST_P(UnwritableOutput, ExitsWithStatus2NamingThePath) {
  const fs::path dir = fresh_dir("unwritable_" + GetParam().name);
  std::ofstream(dir / "file") << "a regular file, not a folder\n";
  const std::string out = (dir / "file" / "out").string();
  std::string command = GetParam().command;
  for (std::string::size_type at; (at = command.find("{out}")) != std::string::npos;) command.replace(at, 5, out);
  for (std::string::size_type at; (at = command.find("{dir}")) != std::string::npos;) command.replace(at, 5, dir.string());
  const auto result = run_command("cd " + dir.string() + " && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 " + command);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(out), std::string::npos) << "the message does not name " << out << ":\n" << result.output;
  EXPECT_EQ(result.output.find("internal error"), std::string::npos) << result.output;
  fs::remove_all(dir);
}

std::vector<Unwritable> unwritable_cases() {
  const std::string net = source("traces/default_net.json"), input = source("traces/shd_sample.h5");
  const std::string train = tool_path("mosaic-train") + " --arch 2x2x8 --c-min 4 --classes 4 --epochs 0 --no-progress";
  const std::string map = tool_path("mosaic-map") + " --net " + net;
  const std::string sim = tool_path("mosaic-sim") + " --net " + net + " --input " + input + " --recordings 2";
  std::vector<Unwritable> cases = {
      {"train_out", train + " --out {out}"},
      {"train_checkpoint", tool_path("mosaic-train") + " --data " + input + " --arch 2x2x20 --c-min 4 --bins 10 --epochs 1"
                               " --train-eval-samples 8 --no-progress --out {dir}/net.json --checkpoint {out}"},
      {"map_out", map + " --out {out}"},
      {"map_report", map + " --report {out}"},
      {"map_svg", map + " --svg {out}"},
      {"sim_report", sim + " --report {out}"},
      {"sim_vcd", sim + " --vcd {out}.vcd"},
      {"cochlea_out", "sox -n -r 16000 -c 1 {dir}/tone.wav synth 0.1 sine 440 && " + tool_path("mosaic-cochlea") +
                          " --out {out} {dir}/tone.wav"},
  };
  const std::string nir = tool_path("mosaic-nir");
  cases.push_back({"nir_export_out", nir + " export " + net + " --out {out}"});
  cases.push_back({"nir_import_out", nir + " export " + net + " --out {dir}/graph.nir && " + nir + " import {dir}/graph.nir --out {out}"});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Tools, UnwritableOutput, ::testing::ValuesIn(unwritable_cases()),
                         [](const auto& info) { return info.param.name; });
