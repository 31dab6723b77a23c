// mosaic-cochlea writing onto a full disk (a 4 KiB tmpfs): exit 2 naming the output, no crash
// at exit, and nothing left under the output's name (issue 11, class 5).
#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/command.hpp"

namespace fs = std::filesystem;

namespace {

TEST(CochleaFullDisk, ExitsTwoNamingTheOutputAndLeavesNoFile) {
  const fs::path dir = fs::temp_directory_path() / ("cochlea_full_disk_" + std::to_string(::getpid()));
  const fs::path full = dir / "full";
  fs::create_directories(full);
  const fs::path wav = dir / "tone.wav";
  SF_INFO info{};
  info.samplerate = 16000;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(wav.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr);
  // 4 s of a loud tone: tens of KB of spikes, far more than the 4 KiB disk holds whatever the
  // cochlea model makes of it (a 0.5 s tone fitted into 16 KiB once the model grew quieter).
  std::vector<float> tone(64000);
  for (std::size_t n = 0; n < tone.size(); ++n) tone[n] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 440.0 * n / 16000));
  sf_writef_float(file, tone.data(), static_cast<sf_count_t>(tone.size()));
  sf_close(file);

  if (::mount("tmpfs", full.c_str(), "tmpfs", 0, "size=4k") != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "mounting a tmpfs is not permitted here";
  }
  const fs::path out = full / "spikes.h5";
  const auto result = mosaic::test_support::run_command(mosaic::test_support::tool_path("mosaic-cochlea") +
                                                        " --out " + out.string() + " " + wav.string());
  EXPECT_EQ(result.exit_code, 2) << result.output;  // -1 would be a crash
  EXPECT_NE(result.output.find("mosaic-cochlea: error: " + out.string() + ": (output): cannot be written: No space left on device"),
            std::string::npos)
      << result.output;
  for (const auto& entry : fs::directory_iterator(full)) ADD_FAILURE() << "left behind: " << entry.path();
  ::umount2(full.c_str(), MNT_DETACH);
  fs::remove_all(dir);
}

}  // namespace
