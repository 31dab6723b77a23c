// Checkpoints are verified, not trusted: mosaic-train --resume on a damaged or edited checkpoint
// (flipped bytes, truncation, trailing bytes, header values out of range or inconsistent with
// the run, sizes of another run, bad link flags, NaN weights) exits 2 naming the file and the
// field. Header edits are made with a valid checksum, so each check is reached on its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "models/checksum.hpp"
#include "tests/command.hpp"
#include "trainer/synthetic.hpp"

using namespace mosaic;
namespace fs = std::filesystem;
using test_support::read_text;

namespace {

// A trained-for-one-epoch checkpoint of a small real run, made once per test process.
struct CheckpointRun {
  fs::path dir, train, out, checkpoint;
  std::string args;
  CheckpointRun() {
    dir = fs::temp_directory_path() / ("mosaic_checkpoint_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    train = dir / "train.h5";
    train::PatternTaskSpec spec;
    spec.recordings = 40;
    write_shd(train.string(), train::pattern_task(spec), ShdExtra{{"low", "high"}, {}, {}, {}});
    out = dir / "net.json";
    checkpoint = dir / "net.json.ckpt";
    args = "--data " + train.string() +
           " --arch 3x3x8 --classes 2 --shd-channels 48 --bins 20 --t-max 0.2 --profile 1:1.0,3:0.5 --c-min 5"
           " --batch 16 --train-eval-samples 8 --no-progress --epochs 3";
    const auto made = test_support::run_command(test_support::tool_path("mosaic-train") + " " + args + " --out " +
                                                out.string() + " --stop-after 1");
    EXPECT_EQ(made.exit_code, 0) << made.output;
  }
  ~CheckpointRun() { fs::remove_all(dir); }
};

const CheckpointRun& run_files() {
  static CheckpointRun files;
  return files;
}

// The parts of a version 2 checkpoint: "<magic><16 hex>\n" + header line + "\n" + payload.
struct Parts {
  std::string magic, header, payload;
};

Parts split(const std::string& bytes) {
  const std::size_t first = bytes.find('\n');
  const std::size_t second = bytes.find('\n', first + 1);
  return {bytes.substr(0, first - 16), bytes.substr(first + 1, second - first - 1), bytes.substr(second + 1)};
}

// Reassembles with a checksum that matches, so only the edited value is wrong.
std::string join(const Parts& p) {
  const std::string body = p.header + "\n" + p.payload;
  return p.magic + hex64(fnv1a64(body.data(), body.size())) + "\n" + body;
}

class Checkpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    original_ = read_text(run_files().checkpoint);
    ASSERT_FALSE(original_.empty());
    path_ = (run_files().dir / ("edited_" + std::to_string(counter_++) + ".ckpt")).string();
  }

  // mosaic-train --resume from `bytes`: exit 2 naming the checkpoint and `field`, no network.
  void expect_refused(const std::string& bytes, const std::string& field) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
    const fs::path out = run_files().dir / "refused.json";
    const auto result = test_support::run_command(test_support::tool_path("mosaic-train") + " " + run_files().args +
                                                  " --resume --checkpoint " + path_ + " --out " + out.string());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(path_ + ": " + field), std::string::npos) << field << "\n" << result.output;
    EXPECT_FALSE(fs::exists(out));
  }

  void expect_header_refused(const std::string& key, const nlohmann::json& value, const std::string& field) const {
    Parts p = split(original_);
    nlohmann::json header = nlohmann::json::parse(p.header);
    header[key] = value;
    p.header = header.dump();
    expect_refused(join(p), field);
  }

  std::string original_;
  std::string path_;
  static inline int counter_ = 0;
};

TEST_F(Checkpoint, AnUntouchedCheckpointResumes) {
  const Parts p = split(original_);
  EXPECT_EQ(join(p), original_) << "the test's checksum differs from the writer's";
  const fs::path out = run_files().dir / "resumed.json";
  fs::copy_file(run_files().checkpoint, path_, fs::copy_options::overwrite_existing);
  const auto result = test_support::run_command(test_support::tool_path("mosaic-train") + " " + run_files().args +
                                                " --resume --checkpoint " + path_ + " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("resuming"), std::string::npos) << result.output;
  EXPECT_TRUE(fs::exists(out));
}

TEST_F(Checkpoint, DamagedBytesAreCaughtByTheChecksum) {
  std::string flipped = original_;
  flipped[flipped.size() - 100] ^= 0x10;  // in the payload
  expect_refused(flipped, "(checksum)");
  std::string in_header = original_;
  in_header[split(original_).magic.size() + 30] ^= 0x01;
  expect_refused(in_header, "(checksum)");
  expect_refused(original_.substr(0, original_.size() - 7), "(checksum)");
  expect_refused(original_ + "trailing", "(checksum)");
  expect_refused("", "(first line)");
  expect_refused("{\"format\": \"mosaic-train-checkpoint\", \"version\": 1}\n", "(first line)");
}

TEST_F(Checkpoint, PayloadSizeMustMatchExactly) {
  Parts p = split(original_);
  p.payload += "xyz";  // trailing bytes, with a valid checksum
  expect_refused(join(p), "payload_bytes");
  p = split(original_);
  p.payload.pop_back();
  expect_refused(join(p), "payload_bytes");
}

TEST_F(Checkpoint, HeaderValuesAreCheckedAgainstTheRun) {
  expect_header_refused("epochs_done", -1, "epochs_done");
  expect_header_refused("epochs_done", 99, "epochs_done");
  expect_header_refused("epochs_done", "one", "epochs_done");
  expect_header_refused("adam_step", -5, "adam_step");
  expect_header_refused("adam_step", 2, "adam_step");  // one epoch of 40 x 2 subset-samples is 5 batches
  expect_header_refused("adam_step", 1.5, "adam_step");
  expect_header_refused("links_size", 7, "links_size");
  expect_header_refused("payload_bytes", nlohmann::json::array(), "payload_bytes");
  expect_header_refused("log", nlohmann::json::array(), "log");
  expect_header_refused("log", nlohmann::json::array({{{"epoch", 5}}}), "log[0].epoch");
  expect_header_refused("mystery", 1, "mystery: unknown key");
  Parts p = split(original_);
  nlohmann::json header = nlohmann::json::parse(p.header);
  header.erase("adam_step");
  p.header = header.dump();
  expect_refused(join(p), "adam_step: missing");
}

TEST_F(Checkpoint, ArraySizesComeFromTheRunNotTheFile) {
  Parts p = split(original_);
  nlohmann::json header = nlohmann::json::parse(p.header);
  nlohmann::json swapped = header["array_sizes"];
  std::swap(swapped[0], swapped[1]);
  expect_header_refused("array_sizes", swapped, "array_sizes[0]");
  nlohmann::json huge = header["array_sizes"];
  huge[1] = std::uint64_t{1} << 62;
  expect_header_refused("array_sizes", huge, "array_sizes[1]");
  expect_header_refused("array_sizes", nlohmann::json::array({1, 2}), "array_sizes");
}

TEST_F(Checkpoint, PayloadValuesAreChecked) {
  Parts p = split(original_);
  p.payload.back() = 7;  // the last link flag
  expect_refused(join(p), "links[");
  p = split(original_);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&p.payload[4 * 3], &nan, sizeof nan);  // input weight 3
  expect_refused(join(p), "weights.input[3]: is not finite");
  p = split(original_);
  const float inf = std::numeric_limits<float>::infinity();
  const nlohmann::json sizes = nlohmann::json::parse(p.header)["array_sizes"];
  const std::size_t second_moment = 4 * (sizes[0].get<std::size_t>() + sizes[1].get<std::size_t>() +
                                         sizes[2].get<std::size_t>() + sizes[3].get<std::size_t>());
  std::memcpy(&p.payload[second_moment], &inf, sizeof inf);
  expect_refused(join(p), "adam.second.input[0]: is not finite");
}

}  // namespace
