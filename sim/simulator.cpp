#include "sim/simulator.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace mosaic::sim {

namespace {
bool elaborated = false;  // SystemC: one elaboration per process

bool has_vcd_suffix(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".vcd") == 0;
}
}  // namespace

Simulator::Simulator(const Network& net, CompiledRoutes routes, const SimConfig& config)
    : config_(config), routes_(std::move(routes)) {
  if (elaborated) throw std::logic_error("Simulator: SystemC allows one elaboration per process");
  elaborated = true;
  config_.validate("configuration");
  chip_ = std::make_unique<Chip>("chip", net, routes_, config_);
  if (!config_.trace.vcd_path.empty()) {
    std::string base = config_.trace.vcd_path;  // SystemC appends ".vcd" itself
    if (has_vcd_suffix(base)) base.resize(base.size() - 4);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);  // "timescale set" notes
    trace_file_ = sc_core::sc_create_vcd_trace_file(base.c_str());
    trace_file_->set_time_unit(1, sc_core::SC_NS);  // one cycle
    chip_->trace(trace_file_, config_.trace);
  }
}

Simulator::~Simulator() { stop_tracing(); }

void Simulator::stop_tracing() {
  if (!trace_file_) return;
  sc_core::sc_close_vcd_trace_file(trace_file_);
  trace_file_ = nullptr;
  chip_->set_tracing(false);
  // SystemC named the file <base>.vcd; give it the name asked for when that has no .vcd suffix.
  const std::string& wanted = config_.trace.vcd_path;
  if (!has_vcd_suffix(wanted)) std::rename((wanted + ".vcd").c_str(), wanted.c_str());
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
