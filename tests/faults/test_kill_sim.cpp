// Fault test (issue 11): the parent of mosaic-sim --jobs 2 killed with SIGKILL at seeded random
// points: no worker outlives it, no worker folder stays in TMPDIR, no partial report or VCD
// under its final name, no temporary file.
#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "tests/faults/fault_support.hpp"

using namespace mosaic::faults;

// kill -9 of the parent of mosaic-sim --jobs 2: its workers end too, and leave nothing behind.
TEST(Faults, SimKilledLeavesNoWorkerNoTemporaryFolderNoPartialFile) {
  const std::vector<std::string> outputs = {"report.json", "trace.vcd", "trace.gtkw"};  // the save file beside the VCD
  const std::vector<std::string> args = {tool_path("mosaic-sim"), "--jobs", "2", "--recordings", "16", "--net",
                                         source("traces/default_net.json"), "--input", source("traces/shd_sample.h5"),
                                         "--report", "report.json", "--vcd", "trace.vcd"};
  const fs::path ref_dir = fresh_dir("sim_ref");
  const std::vector<std::string> env_ref = {"TMPDIR=" + ref_dir.string(), "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1"};
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Process(args, ref_dir, ref_dir / "log", env_ref).wait(), 0) << read_text(ref_dir / "log");
  const double full = seconds_since(t0);
  const std::string reference_vcd = vcd_body(read_text(ref_dir / "trace.vcd"));

  std::mt19937 rng(kKillSeed + 2);
  int kills_with_workers = 0;
  bool workers_used_tmpdir = false;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const fs::path dir = fresh_dir("sim_kill");
    const fs::path tmp = dir / "tmp";
    fs::create_directories(tmp);
    std::vector<pid_t> workers;
    {
      Process p(args, dir, dir / "log", {"TMPDIR=" + tmp.string(), "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1"});
      const double at = std::uniform_real_distribution<double>(0.2, 0.9)(rng) * full;
      const auto start = std::chrono::steady_clock::now();
      while (seconds_since(start) < at && !p.finished()) {
        const auto now = children_of(p.pid());
        if (!now.empty()) workers = now;
        if (!fs::is_empty(tmp)) workers_used_tmpdir = true;
        sleep_seconds(0.02);
      }
      if (!p.finished() && !workers.empty()) ++kills_with_workers;
      p.kill9();
      // Workers notice their parent's death; give them a moment to stop.
      const auto killed = std::chrono::steady_clock::now();
      auto any_alive = [&] {
        for (pid_t w : workers)
          if (alive(w)) return true;
        return false;
      };
      while (any_alive() && seconds_since(killed) < 5) sleep_seconds(0.05);
      for (pid_t w : workers) EXPECT_FALSE(alive(w)) << "worker " << w << " outlived its killed parent";
      EXPECT_TRUE(group_members(p.pid()).empty()) << "a process of the run outlived it";
    }  // the group is killed here in any case: no process outlives the test
    EXPECT_TRUE(fs::is_empty(tmp)) << "worker folder left in TMPDIR";
    if (fs::exists(dir / "trace.vcd")) {
      EXPECT_EQ(vcd_body(read_text(dir / "trace.vcd")), reference_vcd) << "partial VCD";
    }
    if (fs::exists(dir / "report.json")) {
      EXPECT_TRUE(nlohmann::json::accept(read_text(dir / "report.json"))) << "partial report";
    }
    for (const auto& name : files_in(dir))
      EXPECT_TRUE(name == "log" || name == "tmp" || std::find(outputs.begin(), outputs.end(), name) != outputs.end())
          << "stray file " << name << " after kill " << attempt;
    fs::remove_all(dir);
  }
  EXPECT_GT(kills_with_workers, 0) << "no kill landed while the workers ran";
  EXPECT_TRUE(workers_used_tmpdir) << "the workers' folder is not in TMPDIR";
  fs::remove_all(ref_dir);
}

