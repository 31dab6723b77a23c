// Known answers: one LIF and one CubaLIF neuron imported from NIR, driven by a given spike
// train, against the closed-form solution of NIR's continuous-time equations sampled at the
// step ends (input held constant over each step of dt; models/SPEC.md section 9.2).
#include <gtest/gtest.h>

#include <cmath>

#include "models/error.hpp"
#include "models/lif.hpp"
#include "tools/nir/convert.hpp"

namespace {

using mosaic::nir::Graph;
using mosaic::nir::Node;
using mosaic::nir::Value;

constexpr double kDtMs = 1.0, kDt = 1e-3;
const std::vector<int> kInputSteps = {1, 2, 5};  // steps (1-based) whose bin holds an input spike

Graph one_neuron_graph(Node neuron, double weight) {
  Graph g;
  g.nodes["in"] = Node{"Input", {{"shape", Value::vector({1})}}, {}};
  g.nodes["w"] = Node{"Linear", {{"weight", Value::matrix(1, 1, {weight})}}, {}};
  g.nodes["neuron"] = std::move(neuron);
  g.nodes["out"] = Node{"Output", {{"shape", Value::vector({1})}}, {}};
  g.edges = {{"in", "w"}, {"w", "neuron"}, {"neuron", "out"}};
  return g;
}

// Potentials v[1..T] of the imported single neuron under kInputSteps.
std::vector<float> run(const mosaic::Network& net, int steps) {
  mosaic::LifPopulation population(net, {0});
  std::vector<float> v;
  std::vector<uint8_t> active(mosaic::num_keys(net), 0);
  bool spiked_before = false;
  for (int t = 1; t <= steps; ++t) {
    std::fill(active.begin(), active.end(), 0);
    for (int s : kInputSteps) active[mosaic::input_key(0)] |= s == t;
    if (spiked_before) active[mosaic::neuron_key(net, 0)] = 1;  // no synapse: has no effect
    std::vector<int> spiked;
    population.step(active, spiked);
    spiked_before = !spiked.empty();
    v.push_back(population.potentials()[0]);
  }
  return v;
}

mosaic::nir::ImportOptions options() {
  mosaic::nir::ImportOptions o;
  o.arch = mosaic::Arch(1, 1, 4);
  o.dt_ms = kDtMs;
  return o;
}

TEST(NirKnownAnswer, LifNeuronFollowsTheClosedFormAndResetsToVReset) {
  const double tau = 0.02, r = 2.0, w = 12.0, v_leak = 0.0, threshold = 2.0, v_reset = -0.25;
  Node lif{"LIF",
           {{"tau", Value::vector({tau})}, {"r", Value::vector({r})}, {"v_leak", Value::vector({v_leak})},
            {"v_threshold", Value::vector({threshold})}, {"v_reset", Value::vector({v_reset})}},
           {}};
  const auto imported = mosaic::nir::import_graph(one_neuron_graph(lif, w), options(), "lif.nir");
  const std::vector<float> v = run(imported.net, 8);

  // tau dv/dt = -v + r I with I = w during a step holding a spike: over one such step v moves
  // to v_inf = r w along exp(-t/tau); without input it decays. Closed form, step by step in
  // continuous time: v(end) = v_inf + (v(start) - v_inf) exp(-dt/tau).
  const double e = std::exp(-kDt / tau);  // 0.951229...
  const double v_inf = r * w;            // 24
  // step 1: from 0 with input:           24 (1 - e) = 1.170494
  const double v1 = v_inf * (1 - e);
  // step 2: from v1 with input:          24 + (v1 - 24) e = 2.283902 > 2: spike, v -> v_reset
  const double v2 = v_inf + (v1 - v_inf) * e;
  ASSERT_GT(v2, threshold);
  ASSERT_LT(v1, threshold);
  // steps 3, 4: from v_reset, no input: decay
  const double v3 = v_reset * e, v4 = v3 * e;
  // step 5: input again
  const double v5 = v_inf + (v4 - v_inf) * e;
  const double v6 = v5 * e, v7 = v6 * e, v8 = v7 * e;
  const std::vector<double> expected = {v1, v2, v3, v4, v5, v6, v7, v8};
  for (std::size_t t = 0; t < expected.size(); ++t) EXPECT_NEAR(v[t], expected[t], 2e-6) << "step " << t + 1;
  EXPECT_NEAR(v1, 1.170494, 1e-6);  // hand-computed: 24 * (1 - exp(-0.05))
}

TEST(NirKnownAnswer, CubaLifNeuronFollowsTheClosedForm) {
  const double tau_syn = 0.005, tau_mem = 0.01, r = 1.5, w_in = 2.0, w = 3.0;
  Node cuba{"CubaLIF",
            {{"tau_syn", Value::vector({tau_syn})}, {"tau_mem", Value::vector({tau_mem})}, {"r", Value::vector({r})},
             {"v_leak", Value::vector({0})}, {"v_threshold", Value::vector({100.0})}, {"w_in", Value::vector({w_in})}},
            {}};
  const auto imported = mosaic::nir::import_graph(one_neuron_graph(cuba, w), options(), "cuba.nir");
  ASSERT_TRUE(imported.net.neuron.synapse.present());
  const std::vector<float> v = run(imported.net, 8);

  // tau_syn dI/dt = -I + w_in S, tau_mem dv/dt = -v + r I, S = w while a step holds a spike.
  // With U = w_in S constant over [0, h] from (I0, v0):
  //   I(h) = U + (I0 - U) b,                 b = exp(-h / tau_syn)
  //   v(h) = r U + (v0 - r U) a + r (I0 - U) tau_syn / (tau_syn - tau_mem) (b - a),  a = exp(-h / tau_mem)
  const double a = std::exp(-kDt / tau_mem), b = std::exp(-kDt / tau_syn), k = tau_syn / (tau_syn - tau_mem);
  double current = 0, potential = 0;
  for (int t = 1; t <= 8; ++t) {
    const bool spike = t == 1 || t == 2 || t == 5;
    const double u = spike ? w_in * w : 0.0;
    const double v_next = r * u + (potential - r * u) * a + r * (current - u) * k * (b - a);
    current = u + (current - u) * b;
    potential = v_next;
    EXPECT_NEAR(v[t - 1], potential, 2e-6) << "step " << t;
    if (t == 1) {
      EXPECT_NEAR(potential, 0.0815033, 1e-6);  // hand-computed: 9 (1 - a) + 9 (b - a), a = e^-0.1, b = e^-0.2
    }
  }
}

TEST(NirKnownAnswer, LiReadoutIsRefusedUnlessMadeSpiking) {
  Node li{"LI", {{"tau", Value::vector({0.02})}, {"r", Value::vector({1})}, {"v_leak", Value::vector({0})}}, {}};
  const Graph g = one_neuron_graph(li, 1.0);
  try {
    mosaic::nir::import_graph(g, options(), "li.nir");
    FAIL() << "an LI read-out was accepted";
  } catch (const mosaic::InputError& e) {
    EXPECT_EQ(e.field(), "node.nodes.neuron");
    EXPECT_NE(std::string(e.what()).find("--readout lif:THRESHOLD"), std::string::npos);
  }
  auto o = options();
  o.readout_lif = 0.5f;
  const auto imported = mosaic::nir::import_graph(g, o, "li.nir");
  EXPECT_FLOAT_EQ(imported.net.neuron.threshold, 0.5f);
  ASSERT_EQ(imported.notes.size(), 1u);
}

}  // namespace
