// The VCD of mosaic-sim read back (issue 16): every router port carries, cycle by cycle, the
// source neurons routed through it (found here by following the compiled tables from the
// reference pass's spikes, not by the simulator), tiles' input lines carry the input bins,
// potentials equal the reference pass's v[t] bit for bit, the port counts add up to the
// report; and GTKWave itself loads the VCD with its save file (headless, under xvfb-run).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "mapping/mapping.hpp"
#include "models/reference.hpp"
#include "sim/compiled_routes.hpp"
#include "sim/gtkwave.hpp"
#include "sim/stats.hpp"
#include "sim_fixtures.hpp"
#include "tests/command.hpp"

namespace mosaic::sim {
namespace {

using test_support::read_text;
using test_support::run_command;

// A VCD's value changes, by signal name without the SystemC scope and range ("chip.R1_0_1.in_N").
class VcdValues {
 public:
  explicit VcdValues(const std::string& path) {
    for (const VcdVariable& v : read_vcd_header(path, path)) {
      std::string name;
      for (std::size_t i = 1; i < v.scope.size(); ++i) name += v.scope[i] + ".";
      name += v.reference;
      code_of_[name] = v.code;
      names_.push_back(name);
    }
    std::ifstream in(path);
    std::string word;
    while (in >> word && word != "$enddefinitions") {}
    long time = 0;
    while (in >> word) {
      if (word == "$comment") {
        while (in >> word && word != "$end") {}
        continue;
      }
      if (word[0] == '$') continue;  // $dumpvars and its $end
      if (word[0] == '#') {
        time = std::stol(word.substr(1));
        end_ = std::max(end_, time);
      } else if (word[0] == 'b' || word[0] == 'r') {
        std::string code;
        in >> code;
        changes_[code].emplace_back(time, word.substr(1));
      } else if (word.size() > 1 && std::string("01xzXZ").find(word[0]) != std::string::npos) {
        changes_[word.substr(1)].emplace_back(time, word.substr(0, 1));
      }
    }
  }
  const std::vector<std::string>& names() const { return names_; }
  bool has(const std::string& name) const { return code_of_.count(name) > 0; }
  long end() const { return end_; }
  // The value shown at `time` (the last change at or before it); "" before the first.
  std::string at(const std::string& name, long time) const {
    const auto& list = changes_.at(code_of_.at(name));
    auto it = std::upper_bound(list.begin(), list.end(), std::make_pair(time, std::string("\x7f")));
    return it == list.begin() ? "" : std::prev(it)->second;
  }
  // Binary value as an integer; -1 for an all-'z' (idle) value.
  long number(const std::string& name, long time) const {
    const std::string v = at(name, time);
    if (v.find_first_of("zZ") != std::string::npos) return -1;
    return std::stol(v, nullptr, 2);
  }
  float real(const std::string& name, long time) const { return std::stof(at(name, time)); }
  // Times at which `name` changes to `value`.
  std::vector<long> times_of(const std::string& name, long value) const {
    std::vector<long> times;
    for (const auto& [t, v] : changes_.at(code_of_.at(name)))
      if (std::stol(v, nullptr, 2) == value) times.push_back(t);
    return times;
  }

 private:
  std::map<std::string, std::string> code_of_;
  std::vector<std::string> names_;
  std::map<std::string, std::vector<std::pair<long, std::string>>> changes_;
  long end_ = 0;
};

const char* const kPortNames[kPorts] = {"in_N", "in_E", "in_S", "in_W", "out_N", "out_E", "out_S", "out_W"};

std::string router_name(const RouterConfig& r) {
  return std::string(cell_type_name(r.type)) + "_" + std::to_string(r.pos.x) + "_" + std::to_string(r.pos.y);
}

// Expected port events: (router index, port) -> cycle -> sources crossing it then. Each spike
// z[t] leaves its tile at the start of step t + 1 and crosses each router router_cycles later
// than the previous one, along the lines of the compiled tables.
using PortEvents = std::map<std::pair<int, int>, std::map<long, std::vector<int>>>;

void follow(const Arch& arch, const CompiledRoutes& routes, int source, GridPos pos, Side in_side, long cycle,
            int router_cycles, PortEvents& events) {
  const int r = routes.router_index(arch, pos);
  ASSERT_GE(r, 0);
  events[{r, in_port(in_side)}][cycle].push_back(source);
  const RouterConfig& config = routes.routers[r];
  const std::uint8_t outs = config.has_lines() ? config.out_sides[static_cast<int>(in_side)][source] : 0;
  for (Side o : kAllSides) {
    if (!(outs & side_bit(o))) continue;
    events[{r, out_port(o)}][cycle + router_cycles].push_back(source);
    const GridPos next = step(pos, o);
    if (arch.cell_type(next) != CellType::NeuronTile)
      follow(arch, routes, source, next, opposite(o), cycle + router_cycles, router_cycles, events);
  }
}

class SimVcd : public ::testing::Test {
 protected:
  void SetUp() override {
    files_ = std::make_unique<testing::NetworkOnDisk>(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                                      1);  // 1 recording x 2 subsets
    dir_ = files_->dir;
    net_ = files_->net;
    samples_ = files_->samples;
    routes_ = compile_routes(net_, mapping::route_network(net_, mapping::RoutingAlgorithm::OneTurn));
  }
  test_support::CommandResult sim(const std::string& args) {
    return run_command("'" + test_support::tool_path("mosaic-sim") + "' --net '" + dir_ + "/net.json' --input '" +
                       dir_ + "/input.h5' " + args);
  }
  // Runs mosaic-sim with `args` and a VCD, and reads the VCD back with the start cycle of step 1
  // of each traced sample and the tick (from the step marker).
  VcdValues trace(const std::string& args, std::vector<long>& starts, long& tick) {
    const std::string vcd_path = dir_ + "/trace.vcd";
    const auto r = sim("--vcd '" + vcd_path + "' " + args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    VcdValues vcd(vcd_path);
    starts = vcd.times_of("chip.step", 1);
    const std::vector<long> second = vcd.times_of("chip.step", 2);
    EXPECT_FALSE(second.empty());
    tick = second.empty() || starts.empty() ? 0 : second[0] - starts[0];
    return vcd;
  }
  // The port events the tables predict for samples 0.. (one per start) when every router takes
  // router_cycles and nothing waits.
  PortEvents expected_events(const std::vector<long>& starts, long tick, int router_cycles) {
    ReferenceModel reference(net_);
    PortEvents expected;
    for (std::size_t s = 0; s < starts.size(); ++s) {
      const ForwardResult want = reference.run(samples_[s]);
      for (std::size_t t = 1; t < want.spikes.size(); ++t)  // z[t] leaves at the start of step t + 1
        for (int n : want.spikes[t - 1]) {
          const GridPos tile = net_.arch.tile_pos(net_.arch.tile_of_neuron(n));
          for (Side side : kAllSides)
            if (routes_.emit_sides[n] & side_bit(side))
              follow(net_.arch, routes_, n, step(tile, side), opposite(side), starts[s] + static_cast<long>(t) * tick,
                     router_cycles, expected);
        }
    }
    return expected;
  }
  // Every router port, every cycle of the traced samples: the id shown is the lowest source
  // expected then ('z' when none), and `_count` (crossbar) the number of them.
  void expect_ports(const VcdValues& vcd, const std::vector<long>& starts, long tick, int router_cycles, bool counts,
                    nlohmann::json* report) {
    PortEvents expected = expected_events(starts, tick, router_cycles);
    long events_seen = 0;
    for (std::size_t r = 0; r < routes_.routers.size(); ++r)
      for (int p = 0; p < kPorts; ++p) {
        const std::string name = "chip." + router_name(routes_.routers[r]) + "." + kPortNames[p];
        ASSERT_TRUE(vcd.has(name)) << name;
        ASSERT_EQ(vcd.has(name + "_count"), counts) << name;
        const auto& want = expected[{static_cast<int>(r), p}];
        long port_total = 0;
        for (long c = 0; c <= vcd.end(); ++c) {
          const auto it = want.find(c);
          const long lowest = it == want.end() ? -1 : *std::min_element(it->second.begin(), it->second.end());
          ASSERT_EQ(vcd.number(name, c), lowest) << name << " at cycle " << c;
          if (counts) {
            const long n = vcd.number(name + "_count", c);
            ASSERT_EQ(n, it == want.end() ? 0 : static_cast<long>(it->second.size())) << name << " at cycle " << c;
            port_total += n;
          } else if (lowest >= 0) {
            ASSERT_EQ(it->second.size(), 1u) << name << ": aer sends one event per port and cycle";
            ++port_total;
          }
        }
        events_seen += port_total;
        if (report) {  // every sample of the run is traced: the VCD holds all the report counted
          const auto& row = (*report)["routers"][r];
          ASSERT_EQ(row["pos"][0].get<int>(), routes_.routers[r].pos.x);
          EXPECT_EQ(row["port_events"][p].get<long>(), port_total) << name;
        }
      }
    EXPECT_GT(events_seen, 100) << "too few events to test anything";
  }

  std::unique_ptr<testing::NetworkOnDisk> files_;
  std::string dir_;
  Network net_;
  std::vector<BinnedSample> samples_;
  CompiledRoutes routes_;
};

TEST_F(SimVcd, PortsCarryTheSourcesRoutedThroughThemAndPotentialsEqualTheReference) {
  std::vector<long> starts;
  long tick = 0;
  const VcdValues vcd = trace("--router-cycles 2 --trace-samples 0-1 --trace-potential 0-5,100,143 --report '" + dir_ +
                              "/run.json'", starts, tick);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(tick, routes_.max_hops * 2 + 1);  // the default tick: the worst path at 2 cycles per router
  auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  expect_ports(vcd, starts, tick, 2, true, &report);

  ReferenceModel reference(net_);
  const std::vector<int> traced = {0, 1, 2, 3, 4, 5, 100, 143};
  for (std::size_t s = 0; s < starts.size(); ++s) {
    EXPECT_EQ(vcd.number("chip.sample", starts[s]), static_cast<long>(s));
    const ForwardResult want = reference.run(samples_[s], true);
    const int steps = static_cast<int>(want.spikes.size());
    for (int t = 1; t <= steps; ++t) {
      const long end_of_step = starts[s] + t * tick;  // v[t] and z[t] are shown from the end of step t
      for (int n : traced) {
        const std::string name = fmt::format("chip.tile_{}.v_{}", net_.arch.tile_of_neuron(n), n);
        ASSERT_TRUE(vcd.has(name)) << name;
        EXPECT_EQ(vcd.real(name, end_of_step), want.potentials[t - 1][n]) << name << " step " << t;
      }
      for (int n = 0; n < net_.arch.num_neurons(); ++n) {
        const bool spiked = std::binary_search(want.spikes[t - 1].begin(), want.spikes[t - 1].end(), n);
        EXPECT_EQ(vcd.at(fmt::format("chip.tile_{}.z_{}", net_.arch.tile_of_neuron(n), n), end_of_step),
                  spiked ? "1" : "0") << n << " step " << t;
      }
    }
  }
  // No potential but those asked for.
  int potentials = 0;
  for (const std::string& name : vcd.names()) potentials += name.find(".v_") != std::string::npos;
  EXPECT_EQ(potentials, static_cast<int>(traced.size()));
}

// The bundled 5x5x32 network (800 neurons: 10-bit ids, so ids from 512 up have the top bit set)
// on its first bundled recording: busier ports, where several events of high and low ids cross
// one port in one cycle.
TEST_F(SimVcd, BundledNetworkPortsCarryTheSourcesRoutedThroughThem) {
  net_ = read_network("traces/default_net.json");
  ShdReader reader("traces/shd_sample.h5", net_.input.shd_channels, net_.num_classes);
  samples_ = bin_all_subsets(reader.read(0), bin_spec(net_.input));
  routes_ = compile_routes(net_, mapping::route_network(net_, mapping::RoutingAlgorithm::OneTurn));
  std::vector<long> starts;
  long tick = 0;
  const auto r = run_command("'" + test_support::tool_path("mosaic-sim") +
                             "' --net traces/default_net.json --input traces/shd_sample.h5 --recordings 1 --vcd '" + dir_ +
                             "/trace.vcd' --trace-samples 0 --trace-filter routers");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const VcdValues vcd(dir_ + "/trace.vcd");
  starts = vcd.times_of("chip.step", 1);
  ASSERT_EQ(starts.size(), 1u);
  tick = vcd.times_of("chip.step", 2).at(0) - starts[0];
  expect_ports(vcd, starts, tick, 1, true, nullptr);
}

TEST_F(SimVcd, InputLinesOfTilesCarryTheBinsOfTheirChannels) {
  std::vector<long> starts;
  long tick = 0;
  const VcdValues vcd = trace("--trace-samples 1 --trace-filter tile_0,tile_1,tile_4", starts, tick);
  ASSERT_EQ(starts.size(), 1u);
  const BinnedSample& sample = samples_[1];
  int lines = 0, active_seen = 0;
  for (int tile : {0, 1, 4}) {
    std::set<int> channels;  // the reduced channels with a synapse in this tile
    for (const InputSynapse& s : net_.input.weights)
      if (net_.arch.tile_of_neuron(s.neuron) == tile) channels.insert(s.channel);
    if (tile >= net_.num_input_tiles()) {
      EXPECT_TRUE(channels.empty());
    }
    for (int c = 0; c < net_.input.n_inp; ++c) {
      const std::string name = fmt::format("chip.tile_{}.input_{}", tile, c);
      ASSERT_EQ(vcd.has(name), channels.count(c) > 0) << name;
      if (!vcd.has(name)) continue;
      ++lines;
      for (std::size_t t = 1; t <= sample.active.size(); ++t) {  // bin t during step t's tick
        const auto& bin = sample.active[t - 1];
        const bool active = std::find(bin.begin(), bin.end(), c) != bin.end();
        active_seen += active;
        for (long c0 = starts[0] + (static_cast<long>(t) - 1) * tick, k = 0; k < tick; ++k)
          ASSERT_EQ(vcd.at(name, c0 + k), active ? "1" : "0") << name << " step " << t;
      }
    }
  }
  EXPECT_GT(lines, 0);
  EXPECT_GT(active_seen, 10);
}

TEST_F(SimVcd, AerPortsCarryOneSourcePerCycle) {
  // A tick long enough for every event to cross in its step, so the tables predict each port's
  // sources per step; contention may delay them within it, so cycles are not compared (the aer
  // FIFO timing has its own tests).
  std::vector<long> starts;
  long tick = 0;
  const VcdValues vcd =
      trace("--mode aer --fifo-depth 16 --tick 40 --trace-samples 0-1 --report '" + dir_ + "/run.json'", starts, tick);
  ASSERT_EQ(starts.size(), 2u);
  ASSERT_EQ(tick, 40);
  const auto report = nlohmann::json::parse(read_text(dir_ + "/run.json"));
  const auto step_of = [&](long cycle) {  // (sample, step) of a cycle
    std::size_t s = 0;
    while (s + 1 < starts.size() && cycle >= starts[s + 1]) ++s;
    return std::make_pair(s, (cycle - starts[s]) / tick);
  };
  PortEvents expected = expected_events(starts, tick, 1);
  long events = 0, reported = 0;
  for (std::size_t r = 0; r < routes_.routers.size(); ++r)
    for (int p = 0; p < kPorts; ++p) {
      const std::string name = "chip." + router_name(routes_.routers[r]) + "." + kPortNames[p];
      ASSERT_TRUE(vcd.has(name)) << name;
      EXPECT_FALSE(vcd.has(name + "_count")) << name;
      std::map<std::pair<std::size_t, long>, std::multiset<int>> want, got;
      for (const auto& [cycle, sources] : expected[{static_cast<int>(r), p}])
        want[step_of(cycle)].insert(sources.begin(), sources.end());
      for (long c = 0; c <= vcd.end(); ++c) {
        const long id = vcd.number(name, c);
        if (id < 0) continue;
        got[step_of(c)].insert(static_cast<int>(id));
        ++events;
      }
      EXPECT_EQ(got, want) << name;
      reported += report["routers"][r]["port_events"][p].get<long>();
    }
  EXPECT_TRUE(vcd.has("chip.R1_0_1.fifo_N"));
  EXPECT_EQ(events, reported);  // both samples traced: every event the report counted is in the VCD
  EXPECT_GT(events, 100);
}

TEST_F(SimVcd, RefusesPotentialsOfNeuronsThatDoNotExist) {
  const std::string vcd_path = dir_ + "/trace.vcd";
  auto r = sim("--vcd '" + vcd_path + "' --trace-potential 3,144");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--trace-potential: neuron 144 does not exist: the network " + dir_ +
                          "/net.json has 144 neurons, ids 0..143"),
            std::string::npos)
      << r.output;
  r = sim("--trace-potential 3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--trace-potential: needs --vcd FILE"), std::string::npos) << r.output;
  r = sim("--vcd '" + vcd_path + "' --trace-potential 5-2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--trace-potential: '5-2': a range runs upwards"), std::string::npos) << r.output;
  r = sim("--vcd '" + dir_ + "/trace.gtkw'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--vcd: '" + dir_ + "/trace.gtkw' ends in .gtkw"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(vcd_path));
}

// GTKWave (headless, under xvfb-run) loads the VCD with its save file: it sees every signal the
// VCD declares, the run's time range, and displays the save file's groups and signals in order.
// A save file naming a signal the VCD does not have shows one trace less, so the comparison
// can fail.
TEST_F(SimVcd, GtkwaveLoadsTheVcdWithItsSaveFile) {
  const std::string vcd_path = dir_ + "/trace.vcd", save = dir_ + "/trace.gtkw";
  const auto r = sim("--vcd '" + vcd_path + "' --trace-samples 0 --trace-filter tile_0,R1_0_1,R0_2_2 --trace-potential 1,20");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(std::filesystem::exists(save)) << "no save file beside the VCD";
  const std::string script = dir_ + "/query.tcl";
  std::ofstream(script) << "puts \"facs [gtkwave::getNumFacs]\"\n"
                           "puts \"time [gtkwave::getMinTime] [gtkwave::getMaxTime]\"\n"
                           "set n [gtkwave::getTotalNumTraces]\n"
                           "puts \"traces $n\"\n"
                           "for {set i 0} {$i < $n} {incr i} { puts \"trace [gtkwave::getTraceNameFromIndex $i]\" }\n"
                           "foreach s {step\\[31:0\\] R1_0_1.in_N\\[7:0\\] R1_0_1.out_E\\[7:0\\] R1_0_1.out_S\\[7:0\\]} {\n"
                           "  puts \"changes $s [gtkwave::signalChangeList SystemC.chip.$s -start_time 0 -max 100000]\"\n"
                           "}\n"
                           "gtkwave::/File/Quit\n";
  const auto gtkwave = [&](const std::string& save_file) {
    return run_command("cd '" + dir_ + "' && timeout 120 xvfb-run -a gtkwave --script '" + script + "' '" + vcd_path +
                       "' '" + save_file + "'");
  };
  const auto loaded = gtkwave(save);
  ASSERT_EQ(loaded.exit_code, 0) << loaded.output;

  const std::vector<VcdVariable> variables = read_vcd_header(vcd_path, vcd_path);
  const VcdValues vcd(vcd_path);
  EXPECT_NE(loaded.output.find(fmt::format("facs {}\n", variables.size())), std::string::npos) << loaded.output;
  EXPECT_NE(loaded.output.find(fmt::format("time 0 {}\n", vcd.end())), std::string::npos) << loaded.output;
  // The traces GTKWave shows, in order, against the save file's entries (a group's name, a
  // signal by its name in its scope, an analog row as an empty name).
  std::vector<std::string> shown, listed;
  std::istringstream out(loaded.output);
  for (std::string line; std::getline(out, line);)
    if (line.rfind("trace ", 0) == 0) shown.push_back(line.substr(6));
  std::istringstream save_text(read_text(save));
  int groups = 0;
  for (std::string line; std::getline(save_text, line);) {
    if (line.rfind("-", 0) == 0) {
      listed.push_back(line.substr(1));
      groups += line.size() > 1;
    } else if (line.rfind("SystemC.", 0) == 0) {
      listed.push_back(line.substr(line.rfind('.') + 1));
    }
  }
  EXPECT_EQ(shown, listed);
  // The values as GTKWave reads them: the step marker's changes (time, value) and the times at
  // which router ports change equal the VCD's, and the ports do carry events.
  const auto gtkwave_changes = [&](const std::string& signal) {
    const std::string key = "changes " + signal + " ";
    const std::size_t at = loaded.output.find(key);
    std::vector<std::string> words;
    if (at == std::string::npos) return words;
    std::istringstream line(loaded.output.substr(at + key.size(), loaded.output.find('\n', at) - at - key.size()));
    for (std::string t, v; line >> t >> v && std::stod(t) <= vcd.end();) {  // GTKWave ends the list at "infinity"
      words.push_back(t);
      words.push_back(v);
    }
    return words;
  };
  std::vector<std::string> want_steps;
  long previous = -2;
  for (long c = 0; c <= vcd.end(); ++c)
    if (vcd.number("chip.step", c) != previous) {
      previous = vcd.number("chip.step", c);
      want_steps.push_back(std::to_string(c));
      want_steps.push_back(std::to_string(previous));
    }
  EXPECT_EQ(gtkwave_changes("step[31:0]"), want_steps);
  int port_events = 0;
  for (const char* port : {"in_N", "out_E", "out_S"}) {
    std::vector<std::string> times, want_times;
    const auto words = gtkwave_changes(std::string("R1_0_1.") + port + "[7:0]");
    for (std::size_t i = 0; i < words.size(); i += 2) times.push_back(words[i]);
    std::string last = "none";
    for (long c = 0; c <= vcd.end(); ++c) {
      const std::string value = vcd.at(std::string("chip.R1_0_1.") + port, c);
      if (value != last) want_times.push_back(std::to_string(c));
      port_events += value != last && value.find('Z') == std::string::npos;
      last = value;
    }
    EXPECT_EQ(times, want_times) << port;
  }
  EXPECT_GT(port_events, 0) << "no event on the ports compared";
  EXPECT_EQ(groups, 2 * 4);  // begin and end of tile_0, tile_1 (v_20 traced in any case), R1_0_1, R0_2_2
  for (const char* signal : {"sample[31:0]", "step[31:0]", "z_0", "input_0", "v_1", "v_20", "in_N[7:0]", "out_E_count[31:0]"})
    EXPECT_NE(std::find(shown.begin(), shown.end(), signal), shown.end()) << signal;
  EXPECT_EQ(static_cast<std::size_t>(std::count_if(listed.begin(), listed.end(), [](const std::string& s) { return !s.empty(); })) -
                groups,
            variables.size());

  // A save file with one signal renamed: GTKWave drops it, and the count says so.
  std::string broken = read_text(save);
  const std::size_t at = broken.find("SystemC.chip.tile_0.z_0\n");
  ASSERT_NE(at, std::string::npos);
  broken.replace(at, 23, "SystemC.chip.tile_0.no_such_signal");
  std::ofstream(dir_ + "/broken.gtkw") << broken;
  const auto with_broken = gtkwave(dir_ + "/broken.gtkw");
  ASSERT_EQ(with_broken.exit_code, 0) << with_broken.output;
  EXPECT_NE(with_broken.output.find(fmt::format("traces {}\n", shown.size() - 1)), std::string::npos) << with_broken.output;
}

}  // namespace
}  // namespace mosaic::sim
