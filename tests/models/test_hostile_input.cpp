// Hostile JSON and unwritable outputs, driven through the real tools (mosaic-map, mosaic-sim)
// on mutated copies of the bundled network traces/default_net.json: every case is refused
// with exit status 2 and a message naming the file and the field, never a crash or exit 1.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/json_fields.hpp"
#include "models/network.hpp"
#include "tests/command.hpp"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using test_support::read_text;

const char* const kNet = "traces/default_net.json";

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("mosaic_hostile_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    original_ = read_text(kNet);
    ASSERT_FALSE(original_.empty()) << "run from the repository root";
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_point().c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path mount_point() const { return dir_ / "full"; }

  // The bundled network with the first `from` replaced by `to`, written as `name`.
  std::string mutated(const std::string& name, const std::string& from, const std::string& to) const {
    std::string text = original_;
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  static test_support::CommandResult tool(const std::string& name, const std::string& args) {
    return test_support::run_command(test_support::tool_path(name) + " " + args);
  }

  // Both tools that read networks refuse the file with status 2, naming it and `expected`.
  static void expect_refused(const std::string& file, const std::string& expected) {
    for (const char* name : {"mosaic-map", "mosaic-sim"}) {
      const std::string args = std::string(name) == "mosaic-map" ? "--net " + file
                                                                 : "--net " + file + " --input traces/shd_sample.h5";
      const auto result = tool(name, args);
      EXPECT_EQ(result.exit_code, 2) << name << ": " << result.output;
      EXPECT_NE(result.output.find(file), std::string::npos) << name << ": " << result.output;
      EXPECT_NE(result.output.find(expected), std::string::npos) << name << ": " << result.output;
      EXPECT_EQ(result.output.find("internal error"), std::string::npos) << name << ": " << result.output;
    }
  }

  // A 32 KiB tmpfs: a real full disk. Returns false where mounting is not permitted.
  bool mount_full_disk() {
    fs::create_directories(mount_point());
    mounted_ = ::mount("tmpfs", mount_point().c_str(), "tmpfs", 0, "size=32k") == 0;
    return mounted_;
  }

  fs::path dir_;
  std::string original_;
  bool mounted_ = false;
};

TEST_F(HostileInput, NumberBeyondDoubleRange) {
  expect_refused(mutated("huge.json", "\"t_max_s\":1.4", "\"t_max_s\":1e999"), "not valid JSON");
}

TEST_F(HostileInput, DeepNestingIsRefusedNotAStackOverflow) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_refused(mutated("deep.json", "\"provenance\":", "\"provenance\":" + deep + ",\"x\":"), "nested deeper than");
  std::ofstream(path("only_brackets.json")) << deep;
  expect_refused(path("only_brackets.json"), "nested deeper than 64 levels");
  // 64 levels are fine for the parser (the network then fails on its own rules, not on depth).
  EXPECT_NO_THROW(parse_json_text(std::string(64, '[') + std::string(64, ']'), "ok.json"));
}

TEST_F(HostileInput, DuplicateKeysAreRefusedWithTheirPlace) {
  expect_refused(mutated("dup_top.json", "\"format\":\"mosaic-net\"", "\"format\":\"mosaic-net\",\"format\":\"mosaic-net\""),
                 "format: key given twice");
  expect_refused(mutated("dup_nested.json", "\"tick_cycles\":0", "\"tick_cycles\":0,\"tick_cycles\":5"),
                 "arch.timing.tick_cycles: key given twice");
}

TEST_F(HostileInput, MisspeltKeysAreRefusedWithTheNearestName) {
  expect_refused(mutated("tick.json", "\"tick_cycles\":0", "\"tick_cyles\":0"),
                 "arch.timing.tick_cyles: unknown key; did you mean \"tick_cycles\"?");
  expect_refused(mutated("threshold.json", "\"threshold\":1.0", "\"treshold\":1.0"),
                 "neuron.treshold: unknown key; did you mean \"threshold\"?");
  expect_refused(mutated("top.json", "\"version\":1}", "\"version\":1,\"verison\":1}"), "did you mean \"version\"?");
  // Provenance stays free-form.
  const std::string free_form = mutated("free.json", "\"provenance\":{", "\"provenance\":{\"anything_at_all\":[1,{}],");
  EXPECT_EQ(tool("mosaic-map", "--net " + free_form).exit_code, 0);
}

TEST_F(HostileInput, InputFieldsAreTiedTogether) {
  // 700 channels into n_inp 160 give k = ceil(700 / 160) = 5 (models/SPEC.md section 4.2).
  expect_refused(mutated("k.json", "\"interleave_k\":5", "\"interleave_k\":1000"), "input.interleave_k: is 1000");
  expect_refused(mutated("k4.json", "\"interleave_k\":5", "\"interleave_k\":4"), "= 5");
  expect_refused(mutated("channels.json", "\"shd_channels\":700", "\"shd_channels\":100"), "input.n_inp: is 160, more than the 100");
  expect_refused(mutated("wide.json", "\"shd_channels\":700", "\"shd_channels\":1048576"), "input.shd_channels");
  // 65536 channels (every uint16 id) with k = ceil(65536 / 160) = 410 is a legitimate layout.
  const std::string wide = mutated("legal.json", "\"interleave_k\":5,\"n_inp\":160,\"shd_channels\":700",
                                    "\"interleave_k\":410,\"n_inp\":160,\"shd_channels\":65536");
  EXPECT_EQ(tool("mosaic-map", "--net " + wide).exit_code, 0);
}

TEST_F(HostileInput, AFolderGivenAsAnInputFile) {
  fs::create_directories(path("folder.json"));
  expect_refused(path("folder.json"), "is a folder");
  const auto arch = tool("mosaic-sim", std::string("--net ") + kNet + " --input traces/shd_sample.h5 --arch " + path("folder.json"));
  EXPECT_EQ(arch.exit_code, 2) << arch.output;
  const auto shd = tool("mosaic-sim", std::string("--net ") + kNet + " --input " + path("folder.json"));
  EXPECT_EQ(shd.exit_code, 2) << shd.output;
  EXPECT_NE(shd.output.find("is a folder"), std::string::npos) << shd.output;
}

// No file under the final name and no temporary left beside it.
void expect_nothing_written(const fs::path& target) {
  EXPECT_FALSE(fs::exists(target)) << target;
  std::error_code ignored;
  for (fs::directory_iterator it(target.parent_path(), ignored), end; !ignored && it != end; it.increment(ignored))
    EXPECT_EQ(it->path().filename().string().find(target.filename().string() + ".tmp."), std::string::npos) << it->path();
}

TEST_F(HostileInput, UnwritableOutputsExitTwoNamingThePath) {
  std::ofstream(path("a_file")) << "x";
  const std::string under_a_file = path("a_file") + "/routes.json";
  auto result = tool("mosaic-map", std::string("--net ") + kNet + " --out " + under_a_file);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(under_a_file + ": (output): cannot be written"), std::string::npos) << result.output;

  result = tool("mosaic-map", std::string("--net ") + kNet + " --report /proc/mosaic-map-report.json");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("/proc/mosaic-map-report.json"), std::string::npos) << result.output;

  // A pipe or a device is never replaced by a renamed file (a pipe here: never a real device,
  // which a tool of an older build would replace).
  const std::string pipe = path("pipe");
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  result = tool("mosaic-map", std::string("--net ") + kNet + " --out " + pipe);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("not a regular file"), std::string::npos) << result.output;
  EXPECT_TRUE(fs::is_fifo(pipe));

  result = tool("mosaic-map", std::string("--net ") + kNet + " --out " + dir_.string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("is a folder"), std::string::npos) << result.output;
}

TEST_F(HostileInput, FullDiskExitsTwoAndLeavesNoFile) {
  if (!mount_full_disk()) GTEST_SKIP() << "mounting a tmpfs is not permitted here";
  const fs::path target = mount_point() / "routes.json";
  const auto result = tool("mosaic-map", std::string("--net ") + kNet + " --out " + target.string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(target.string() + ": (output): cannot be written: No space left on device"),
            std::string::npos)
      << result.output;
  expect_nothing_written(target);
}

TEST_F(HostileInput, StaleTemporariesOfDeadProcessesAreRemovedAtTheNextWrite) {
  // A temporary of a process that no longer runs (killed between write and rename) ...
  pid_t dead = 4194000;
  while (::kill(dead, 0) == 0 || errno != ESRCH) --dead;
  const fs::path target = path("routes.json");
  std::ofstream(target.string() + ".tmp." + std::to_string(dead)) << "partial";
  // ... and one of a live process (this test), which must be left alone.
  const std::string live = target.string() + ".tmp." + std::to_string(::getpid());
  std::ofstream(live) << "in progress";
  ASSERT_EQ(tool("mosaic-map", std::string("--net ") + kNet + " --out " + target.string()).exit_code, 0);
  EXPECT_FALSE(fs::exists(target.string() + ".tmp." + std::to_string(dead)));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_GT(fs::file_size(target), 1000u);
}

}  // namespace
}  // namespace mosaic
