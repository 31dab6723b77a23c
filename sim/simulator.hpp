#pragma once
// One elaboration of the chip serving every sample of a process: SystemC allows a single
// elaboration per process, so samples run one after the other with all state reset in between.
#include <memory>

#include "models/atomic_file.hpp"
#include "models/shd.hpp"
#include "sim/chip.hpp"
#include "sim/vcd_sink.hpp"

namespace mosaic::sim {

class Simulator {
 public:
  // Elaborates the chip (once per process: a second Simulator throws std::logic_error).
  // `net` must outlive the simulator.
  Simulator(const Network& net, CompiledRoutes routes, const SimConfig& config);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Runs one sample to its last step. `traced`: record it in the VCD file, if one is open.
  SampleResult run(const BinnedSample& sample, int index, bool traced = false);
  // Closes the VCD file (InputError when it could not be written); later samples are not traced.
  void stop_tracing();
  int tick_cycles() const { return chip_->tick_cycles(); }
  const CompiledRoutes& routes() const { return routes_; }
  RunStats stats() const;

 private:
  SimConfig config_;
  CompiledRoutes routes_;
  std::unique_ptr<Chip> chip_;
  std::unique_ptr<AtomicOutput> own_vcd_;  // when config.trace.vcd_data_path is empty
  std::unique_ptr<VcdSink> vcd_sink_;
  sc_core::sc_trace_file* trace_file_ = nullptr;
  double cpu_seconds_ = 0;
};

}  // namespace mosaic::sim
