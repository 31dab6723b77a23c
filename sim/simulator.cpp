#include "sim/simulator.hpp"

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

namespace mosaic::sim {

namespace {
bool elaborated = false;  // SystemC: one elaboration per process
}  // namespace

Simulator::Simulator(const Network& net, CompiledRoutes routes, const SimConfig& config)
    : config_(config), routes_(std::move(routes)) {
  if (elaborated) throw std::logic_error("Simulator: SystemC allows one elaboration per process");
  elaborated = true;
  config_.validate("configuration");
  chip_ = std::make_unique<Chip>("chip", net, routes_, config_);
  if (!config_.trace.vcd_path.empty()) {
    std::string data_path = config_.trace.vcd_data_path;
    if (data_path.empty()) {
      own_vcd_ = std::make_unique<AtomicOutput>(config_.trace.vcd_path);
      data_path = own_vcd_->temp_path();
    }
    vcd_sink_ = std::make_unique<VcdSink>(config_.trace.vcd_path, data_path);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);  // "timescale set" notes
    trace_file_ = sc_core::sc_create_vcd_trace_file(vcd_sink_->systemc_base().c_str());
    trace_file_->set_time_unit(1, sc_core::SC_NS);  // one cycle
    chip_->trace(trace_file_, config_.trace);
  }
}

Simulator::~Simulator() {
  try {
    stop_tracing();
  } catch (const std::exception& e) {
    std::cerr << "mosaic-sim: " << e.what() << "\n";  // a destructor cannot throw; the VCD is not written
  }
}

void Simulator::stop_tracing() {
  if (!trace_file_) return;
  // SystemC writes a time's values when time advances past it: one more (idle) cycle puts the
  // last traced sample's final step into the file.
  sc_core::sc_start(cycles(1));
  sc_core::sc_close_vcd_trace_file(trace_file_);
  trace_file_ = nullptr;
  chip_->set_tracing(false);
  vcd_sink_->finish();  // throws when a write failed (full disk)
  vcd_sink_.reset();
  if (own_vcd_) own_vcd_->commit();
  own_vcd_.reset();
}

SampleResult Simulator::run(const BinnedSample& sample, int index, bool traced) {
  const double start = process_cpu_seconds();
  chip_->set_tracing(traced && trace_file_ != nullptr);
  chip_->start_sample(sample, index);
  sc_core::sc_start();  // until the chip pauses after the last step
  SampleResult result = chip_->finish_sample();
  cpu_seconds_ += process_cpu_seconds() - start;
  return result;
}

RunStats Simulator::stats() const {
  RunStats run = chip_->stats();
  run.simulation_cpu_seconds = cpu_seconds_;
  return run;
}

}  // namespace mosaic::sim
