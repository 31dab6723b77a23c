#pragma once
// Outputs are written to a temporary file next to the target and renamed into place,
// so an interrupted run never leaves a half-written file behind.
#include <string>

namespace mosaic {

void write_text_atomic(const std::string& path, const std::string& text);

// For writers that need a path of their own (HDF5): write to temp_path(), then commit().
// A destroyed, uncommitted AtomicOutput removes its temporary file.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  const std::string& temp_path() const { return temp_path_; }
  void commit();

 private:
  std::string path_;
  std::string temp_path_;
  bool committed_ = false;
};

}  // namespace mosaic
