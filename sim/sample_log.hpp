#pragma once
// The per-sample results of a run, kept on disk instead of in memory, so that mosaic-sim's
// memory stays flat however many recordings it runs (sim/README.md, "Memory"). Each process
// that runs samples writes one compact JSON line per finished sample (sample_to_json) to a
// file of the run's folder; the summary, --predict and the report read them back one sample at
// a time, merged in position order.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/stats.hpp"

namespace mosaic::sim {

// The run's folder of temporary files (the workers' statistics, the sample files):
// "mosaic-sim-<pid>-XXXXXX" in $TMPDIR (else /tmp), removed when the object goes or a signal
// ends the run. Folders of runs whose process no longer exists (killed with SIGKILL, which
// cannot be caught) are removed first.
class RunFolder {
 public:
  RunFolder();
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int slot_ = -1;
};

// Appends one line per sample to a file (created empty). A failed write (a full $TMPDIR) is an
// InputError naming the file.
class SampleWriter {
 public:
  explicit SampleWriter(std::string path);
  ~SampleWriter();
  SampleWriter(const SampleWriter&) = delete;
  SampleWriter& operator=(const SampleWriter&) = delete;
  void write(const SampleResult& r);
  void close();  // flushes and closes; checks that every write reached the file

 private:
  [[noreturn]] void fail() const;
  std::string path_;
  std::FILE* file_ = nullptr;
};

// The results of a run's samples: files of sample lines, each in increasing position order,
// read back merged in position order. Holds the run's folder, which lives as long as any copy.
class SampleLog {
 public:
  SampleLog() = default;
  SampleLog(std::shared_ptr<const RunFolder> folder, std::vector<std::string> files);
  // Calls `visit` with every sample, in position order.
  void for_each(const std::function<void(const SampleResult&)>& visit) const;

 private:
  std::shared_ptr<const RunFolder> folder_;
  std::vector<std::string> files_;
};

// Rewrites a (short) file of sample lines in position order: the traced samples, which a run
// takes first in the order the user listed them.
void sort_sample_file(const std::string& path);

}  // namespace mosaic::sim
