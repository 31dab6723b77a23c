// Damaged SHD files: bit-flipped and truncated copies of a real SHD-layout file (written by
// write_shd) are read fine or refused with an InputError naming the file, never a crash; the
// stored lengths of the spike arrays are checked before libhdf5 follows them; the tools exit 2.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <cstring>
#include <random>
#include <string>

#include "models/error.hpp"
#include "models/shd.hpp"
#include "tests/command.hpp"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using test_support::read_text;

class CorruptShd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("mosaic_corrupt_shd_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::mt19937 rng(5);
    std::vector<ShdSample> samples(300);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const int spikes = 20 + static_cast<int>(rng() % 200);
      float t = 0;
      for (int e = 0; e < spikes; ++e) {
        t += static_cast<float>(rng() % 1000) * 1e-6f;
        samples[i].times.push_back(t);
        samples[i].units.push_back(static_cast<uint16_t>(rng() % 700));
      }
      samples[i].label = static_cast<int>(i % 20);
      samples[i].speaker = static_cast<int>(i % 7);
    }
    original_path_ = path("real.h5");
    write_shd(original_path_, samples, ShdExtra{{"zero", "one"}, {1, 0}, {30, 40}, {170, 180}});
    original_ = read_text(original_path_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write_copy(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary | std::ios::trunc) << bytes;
    return path(name);
  }

  // Reads every sample: fine, or an InputError naming the file. Anything else fails the test.
  static bool reads_or_refuses(const std::string& file, std::string* message = nullptr) {
    try {
      ShdReader reader(file, 700, 20);
      reader.validate_all();
      return true;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), file);
      if (message) *message = e.what();
      return false;
    }
  }

  // Byte offset in the file of a dataset's raw data (contiguous layout).
  std::size_t data_offset(const std::string& dataset) const {
    const hid_t file = H5Fopen(original_path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t set = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
    const haddr_t offset = H5Dget_offset(set);
    H5Dclose(set);
    H5Fclose(file);
    EXPECT_NE(offset, HADDR_UNDEF);
    return static_cast<std::size_t>(offset);
  }

  fs::path dir_;
  std::string original_path_, original_;
};

TEST_F(CorruptShd, TheOriginalReads) { EXPECT_TRUE(reads_or_refuses(original_path_)); }

TEST_F(CorruptShd, BitFlipsAnywhereAreReadOrRefusedNeverACrash) {
  std::mt19937 rng(11);
  int refused = 0;
  for (int trial = 0; trial < 150; ++trial) {
    std::string bytes = original_;
    const std::size_t at = rng() % bytes.size();
    bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
    std::string message;
    if (!reads_or_refuses(write_copy("flip.h5", bytes), &message)) ++refused;
  }
  EXPECT_GT(refused, 0);  // flips in the metadata and the length fields are caught
}

TEST_F(CorruptShd, StoredLengthsAreCheckedBeforeTheRead) {
  // Element i of a vlen dataset on file: 4-byte length, 8-byte heap address, 4-byte index.
  const std::size_t times = data_offset("spikes/times");
  std::string bytes = original_;
  const uint32_t huge = 0x7fffffff;
  std::memcpy(&bytes[times + 5 * 16], &huge, 4);
  std::string message;
  EXPECT_FALSE(reads_or_refuses(write_copy("length.h5", bytes), &message));
  EXPECT_NE(message.find("spikes/times: sample 5: length 2147483647 exceeds"), std::string::npos) << message;

  bytes = original_;
  const uint32_t one_more = 1;
  uint32_t length = 0;
  std::memcpy(&length, &bytes[times + 7 * 16], 4);
  length += one_more;
  std::memcpy(&bytes[times + 7 * 16], &length, 4);
  EXPECT_FALSE(reads_or_refuses(write_copy("mismatch.h5", bytes), &message));
  EXPECT_NE(message.find("spikes/units: sample 7"), std::string::npos) << message;

  bytes = original_;
  const uint64_t beyond = original_.size() + 4096;
  std::memcpy(&bytes[data_offset("spikes/units") + 9 * 16 + 4], &beyond, 8);
  EXPECT_FALSE(reads_or_refuses(write_copy("address.h5", bytes), &message));
  EXPECT_NE(message.find("spikes/units: sample 9: data address"), std::string::npos) << message;
}

TEST_F(CorruptShd, TruncatedFilesAreRefused) {
  for (std::size_t keep : {original_.size() / 2, original_.size() - 100, std::size_t{4000}}) {
    std::string message;
    EXPECT_FALSE(reads_or_refuses(write_copy("short.h5", original_.substr(0, keep)), &message)) << keep;
  }
}

TEST_F(CorruptShd, ToolsExitTwoNamingTheFile) {
  std::mt19937 rng(3);
  const std::size_t times = data_offset("spikes/times");
  for (int trial = 0; trial < 4; ++trial) {
    std::string bytes = original_;
    // Flips in the spike arrays' descriptors and in the heap after them.
    const std::size_t at = times + rng() % (bytes.size() - times);
    bytes[at] = static_cast<char>(bytes[at] ^ 0x40);
    const std::string file = write_copy("tool.h5", bytes);
    const auto sim = test_support::run_command(test_support::tool_path("mosaic-sim") +
                                               " --net traces/default_net.json --recordings 3 --input " + file);
    EXPECT_TRUE(sim.exit_code == 0 || sim.exit_code == 2) << sim.output;
    if (sim.exit_code == 2) {
      EXPECT_NE(sim.output.find("mosaic-sim: error: " + file), std::string::npos) << sim.output;
    }
  }
  const std::string truncated = write_copy("truncated.h5", original_.substr(0, original_.size() / 2));
  for (const std::string& command :
       {test_support::tool_path("mosaic-sim") + " --net traces/default_net.json --input " + truncated,
        test_support::tool_path("mosaic-train") + " --eval traces/default_net.json --test " + truncated}) {
    const auto r = test_support::run_command(command);
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.output;
    EXPECT_NE(r.output.find(truncated), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace mosaic
