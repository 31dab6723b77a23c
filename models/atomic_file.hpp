#pragma once
// Outputs are written to a temporary file next to the target, synced to disk and renamed into
// place, so an interrupted run never leaves a half-written file under the name asked for.
// Every failure to write (a parent path that is a file, a read-only folder, a full disk) is
// an InputError naming the output, so tools exit 2 with the path instead of crashing.
#include <string>

namespace mosaic {

void write_text_atomic(const std::string& path, const std::string& text);

// For writers that need a path of their own (HDF5, VCD): write to temp_path(), then commit().
// Construction creates the parent folders and the (empty) temporary file, so an output that
// cannot be written is refused before any work is done; it also removes temporaries of the
// same target left by processes that no longer run (killed between write and rename).
// A destroyed, uncommitted AtomicOutput removes its temporary file.
class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  // fsyncs the temporary file, renames it onto path() and fsyncs the folder.
  void commit();
  // Throws the InputError of a failed write of this output ("cannot be written: <reason>").
  [[noreturn]] void fail(const std::string& reason) const;

 private:
  std::string path_;
  std::string temp_path_;
  bool committed_ = false;
  int signal_slot_ = -1;  // the temporary is removed if SIGINT/SIGTERM/SIGHUP ends the process
};

}  // namespace mosaic
