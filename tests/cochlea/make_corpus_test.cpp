// tools/make-corpus in its quick mode (--sample): the generator of traces/shd_sample.h5.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "models/shd.hpp"

namespace fs = std::filesystem;

namespace {

bool have(const std::string& program) {
  return std::system(("command -v " + program + " > /dev/null 2>&1").c_str()) == 0;
}

std::string run(const std::string& command, int& exit_code) {
  const fs::path log = fs::temp_directory_path() / ("make_corpus_log_" + std::to_string(::getpid()));
  const int status = std::system((command + " > '" + log.string() + "' 2>&1").c_str());
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream text;
  text << std::ifstream(log).rdbuf();
  fs::remove(log);
  return text.str();
}

TEST(MakeCorpus, SampleModeWritesTwentyClassesAndSkipsAnUnchangedRebuild) {
  if (!have("espeak-ng") || !have("sox")) GTEST_SKIP() << "espeak-ng and sox are needed";
  const fs::path dir = fs::temp_directory_path() / ("make_corpus_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string command = "tools/make-corpus --jobs 2 --out '" + dir.string() + "' --sample '" +
                              (dir / "sample.h5").string() + "'";
  int exit_code = -1;
  std::string output = run(command, exit_code);
  ASSERT_EQ(exit_code, 0) << output;

  mosaic::ShdReader reader((dir / "sample.h5").string());
  EXPECT_EQ(reader.size(), 60u);
  const std::set<int> classes(reader.labels().begin(), reader.labels().end());
  EXPECT_EQ(classes.size(), 20u);
  EXPECT_NE(output.find("classes 20"), std::string::npos) << output;

  output = run(command, exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_NE(output.find("up to date"), std::string::npos) << output;

  output = run("tools/make-corpus --jobs x", exit_code);
  EXPECT_EQ(exit_code, 2) << output;
  fs::remove_all(dir);
}

}  // namespace
