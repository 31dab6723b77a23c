// Fault tests (issue 11): mosaic-train and mosaic-map killed with SIGKILL at seeded random
// points. A killed mosaic-train resumes to a network byte-identical to an uninterrupted run; a
// killed mosaic-map leaves under each final name either nothing or the complete file, and no
// temporary file.
#include <gtest/gtest.h>

#include <random>

#include "tests/faults/fault_support.hpp"

using namespace mosaic::faults;

// kill -9 at seeded random points, each time resumed with --resume, then run to the end.
TEST(Faults, TrainKilledAtRandomPointsResumesToTheSameBytes) {
  const fs::path data = small_shd();
  const fs::path ref_dir = fresh_dir("train_ref"), dir = fresh_dir("train_kill");
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Process(train_args(data), ref_dir, ref_dir / "log").wait(), 0) << read_text(ref_dir / "log");
  const double full = seconds_since(t0);
  const std::string reference = read_text(ref_dir / "net.json");
  ASSERT_FALSE(reference.empty());

  std::mt19937 rng(kKillSeed);
  auto args = train_args(data);
  args.push_back("--resume");
  int kills = 0, resumed = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    // The last kill waits for a checkpoint, so at least one resume starts from one.
    const bool after_checkpoint = attempt == 3;
    const fs::path log = dir / ("log" + std::to_string(attempt));
    Process p(args, dir, log);
    const auto start = std::chrono::steady_clock::now();
    if (after_checkpoint)
      while (!fs::exists(dir / "net.json.ckpt") && !p.finished() && seconds_since(start) < 120) sleep_seconds(0.01);
    sleep_seconds(std::uniform_real_distribution<double>(0.0, after_checkpoint ? full / 3 : full)(rng));
    if (!p.finished()) {
      p.kill9();
      ++kills;
    }
    if (read_text(log).find("resuming") != std::string::npos) ++resumed;
    // A killed run leaves the network either unwritten or whole.
    if (fs::exists(dir / "net.json")) {
      EXPECT_EQ(read_text(dir / "net.json"), reference);
    }
  }
  const fs::path last_log = dir / "log_final";
  ASSERT_EQ(Process(args, dir, last_log).wait(), 0) << read_text(last_log);
  if (read_text(last_log).find("resuming") != std::string::npos) ++resumed;
  EXPECT_GT(kills, 0) << "no kill landed while mosaic-train was running";
  EXPECT_GT(resumed, 0) << "no run resumed from a checkpoint";
  EXPECT_EQ(read_text(dir / "net.json"), reference) << "resumed after " << kills << " kills";
  std::set<std::string> expected = {"net.json", "net.json.ckpt", "net.json.log.jsonl", "log0", "log1", "log2", "log3", "log_final"};
  EXPECT_EQ(files_in(dir), expected) << "stray files (temporary files of a killed write?)";
  fs::remove_all(ref_dir);
  fs::remove_all(dir);
}

// kill -9 of mosaic-map late in its run, where it writes tables, report and heat map.
TEST(Faults, MapKilledWhileWritingLeavesWholeFilesOnly) {
  const std::vector<std::string> outputs = {"routes.json", "map.json", "map.svg"};
  const std::vector<std::string> args = {tool_path("mosaic-map"), "--net", source("traces/default_net.json"), "--routing",
                                         "tree", "--out", "routes.json", "--report", "map.json", "--svg", "map.svg"};
  const fs::path ref_dir = fresh_dir("map_ref");
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Process(args, ref_dir, ref_dir / "log").wait(), 0) << read_text(ref_dir / "log");
  const double full = seconds_since(t0);

  std::mt19937 rng(kKillSeed + 1);
  int kills = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const fs::path dir = fresh_dir("map_kill");
    {
      Process p(args, dir, dir / "log");
      // The writes come last: kill points fall in the last 40% of an uninterrupted run's time.
      sleep_seconds(std::uniform_real_distribution<double>(0.6, 1.0)(rng) * full);
      if (!p.finished()) {
        p.kill9();
        ++kills;
      }
    }
    for (const auto& name : outputs) {
      if (fs::exists(dir / name)) {
        EXPECT_EQ(read_text(dir / name), read_text(ref_dir / name)) << name << " is partial";
      }
    }
    for (const auto& name : files_in(dir))
      EXPECT_TRUE(name == "log" || std::find(outputs.begin(), outputs.end(), name) != outputs.end())
          << "stray file " << name << " after kill " << attempt;
    fs::remove_all(dir);
  }
  EXPECT_GT(kills, 0) << "no kill landed while mosaic-map was running";
  fs::remove_all(ref_dir);
}

