#pragma once
// What every fuzz target shares (tests/fuzz/README.md). A target feeds one input to a real
// loader of the project. The loader's contract: bad input is an InputError (exit 2 in the
// tools), never a crash, a sanitizer report or another exception. So a target swallows
// InputError and lets everything else escape: libFuzzer (or the replayer) then reports it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

#include "models/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace mosaic::fuzz {

// The loaders read files, so the input is written to one scratch file per process (in
// TMPDIR, else /dev/shm when there is one, else /tmp; removed at exit) and the loader opens it
// by name, exactly as a tool would.
inline const std::string& scratch_path(const char* suffix) {
  static const std::string path = [&] {
    const char* dir = std::getenv("TMPDIR");
    const bool shm = access("/dev/shm", W_OK) == 0;
    std::string p = std::string(dir != nullptr && *dir != '\0' ? dir : shm ? "/dev/shm" : "/tmp") + "/mosaic-fuzz-" +
                    std::to_string(getpid()) + suffix;
    static std::string to_remove;
    to_remove = p;
    std::atexit([] { std::remove(to_remove.c_str()); });
    return p;
  }();
  return path;
}

inline const std::string& write_scratch(const uint8_t* data, size_t size, const char* suffix) {
  const std::string& path = scratch_path(suffix);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) std::abort();  // the harness itself failed (disk full?): not a finding in the loader
  return path;
}

// Runs `load`; an InputError is the expected refusal of bad input.
template <class Load>
int expect_input_errors(Load&& load) {
  try {
    load();
  } catch (const InputError&) {
  }
  return 0;
}

// A check the harness makes on what a loader accepted: failing it is a finding.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz: loader accepted an input that breaks: %s\n", what);
    std::abort();
  }
}

}  // namespace mosaic::fuzz
