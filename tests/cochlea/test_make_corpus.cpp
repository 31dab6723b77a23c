// tools/make-corpus in its quick mode (--sample): the generator of traces/shd_sample.h5.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "models/shd.hpp"
#include "tests/command.hpp"

namespace fs = std::filesystem;

namespace {

using mosaic::test_support::run_command;

bool have(const std::string& program) {
  return std::system(("command -v " + program + " > /dev/null 2>&1").c_str()) == 0;
}

// --sample and --sample-train together: the bundled test file and its speaker-disjoint
// training file (traces/shd_sample.h5, traces/shd_sample_train.h5).
TEST(MakeCorpus, SampleModeWritesTwentyClassesAndSkipsAnUnchangedRebuild) {
  if (!have("espeak-ng") || !have("sox")) GTEST_SKIP() << "espeak-ng and sox are needed";
  const fs::path dir = fs::temp_directory_path() / ("make_corpus_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string command = "tools/make-corpus --jobs 2 --out '" + dir.string() + "' --sample '" +
                              (dir / "sample.h5").string() + "' --sample-train '" + (dir / "train.h5").string() + "'";
  auto [exit_code, output] = run_command(command);
  ASSERT_EQ(exit_code, 0) << output;

  mosaic::ShdReader reader((dir / "sample.h5").string());
  EXPECT_EQ(reader.size(), 60u);
  const std::set<int> classes(reader.labels().begin(), reader.labels().end());
  EXPECT_EQ(classes.size(), 20u);
  EXPECT_NE(output.find("classes 20"), std::string::npos) << output;

  mosaic::ShdReader train((dir / "train.h5").string());
  EXPECT_EQ(train.size(), 100u);
  EXPECT_EQ(std::set<int>(train.labels().begin(), train.labels().end()).size(), 20u);
  const std::set<int> test_speakers(reader.speakers().begin(), reader.speakers().end());
  for (int speaker : train.speakers()) EXPECT_EQ(test_speakers.count(speaker), 0u) << "speaker " << speaker << " in both";

  const auto again = run_command(command);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("up to date"), std::string::npos) << again.output;

  const auto bad = run_command("tools/make-corpus --jobs x");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  fs::remove_all(dir);
}

}  // namespace
