#pragma once
// The VCD file, written like every other output: SystemC writes its trace into a pipe (a FIFO
// it opens by name), and a thread copies the bytes into the output's temporary file with every
// write checked, so a full disk is an error naming the VCD instead of a truncated file; the
// caller renames the temporary into place only when the run succeeded (models/atomic_file.hpp).
#include <string>
#include <thread>

namespace mosaic::sim {

class VcdSink {
 public:
  // `target`: the VCD path the user asked for (named in errors); `data_path`: an existing,
  // writable file (the AtomicOutput's temporary) that receives the bytes.
  VcdSink(std::string target, std::string data_path);
  ~VcdSink();
  VcdSink(const VcdSink&) = delete;
  VcdSink& operator=(const VcdSink&) = delete;

  // The name to give sc_create_vcd_trace_file (SystemC appends ".vcd": that is the FIFO).
  const std::string& systemc_base() const { return base_; }
  // After sc_close_vcd_trace_file: waits for the last bytes, syncs them to disk, and throws
  // InputError naming the target if any write failed.
  void finish();

 private:
  void copy();

  std::string target_;
  std::string data_path_;
  std::string base_;
  std::string fifo_;
  int read_fd_ = -1;
  int keeper_fd_ = -1;  // our own write end: no end-of-file before finish(), however SystemC opens and closes
  std::thread copier_;
  int error_ = 0;       // errno of the first failed write or sync; read after join
  bool finished_ = false;
  int signal_slot_ = -1;
};

}  // namespace mosaic::sim
