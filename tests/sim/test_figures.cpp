// mosaic-sim's time, energy and figures: latency in microseconds at --clock-mhz and in ms of
// audio, energy per inference split three ways with its source, and the SVG figures read back
// as XML and checked against the JSON report of the same run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "mapping/svg.hpp"
#include "sim_fixtures.hpp"
#include "tests/command.hpp"
#include "tests/svg_xml.hpp"

namespace mosaic::sim {
namespace {

using test_support::parse_svg;
using test_support::read_text;
using test_support::SvgDocument;

class SimFigures : public ::testing::Test {
 protected:
  void SetUp() override {
    files_ = std::make_unique<testing::NetworkOnDisk>(::testing::UnitTest::GetInstance()->current_test_info()->name(), 6);
    dir_ = files_->dir;
    net_ = files_->net;
  }
  // Runs mosaic-sim on the fixture; stdout in out_, the report parsed in report_.
  int run(const std::string& args) {
    const auto r = test_support::run_command("'" + test_support::tool_path("mosaic-sim") + "' --net '" + dir_ +
                                             "/net.json' --input '" + dir_ + "/input.h5' --report '" + dir_ +
                                             "/run.json' " + args);
    out_ = r.output;
    if (r.exit_code == 0) report_ = nlohmann::json::parse(read_text(dir_ + "/run.json"));
    return r.exit_code;
  }
  std::unique_ptr<testing::NetworkOnDisk> files_;
  std::string dir_, out_;
  Network net_;
  nlohmann::json report_;
};

TEST_F(SimFigures, LatencyInMicrosecondsAndMillisecondsOfAudio) {
  ASSERT_EQ(run("--clock-mhz 250"), 0) << out_;
  const auto& d = report_["decision_latency"];
  const double step_ms = 1000.0 * net_.input.t_max_s / net_.input.bins;
  EXPECT_DOUBLE_EQ(d["step_ms"].get<double>(), step_ms);
  EXPECT_DOUBLE_EQ(d["clock_mhz"].get<double>(), 250.0);
  EXPECT_DOUBLE_EQ(d["median_us"].get<double>(), d["median_cycles"].get<double>() / 250.0);
  EXPECT_DOUBLE_EQ(d["median_audio_ms"].get<double>(), d["median_steps"].get<double>() * step_ms);
  EXPECT_DOUBLE_EQ(d["p90_audio_ms"].get<double>(), d["p90_steps"].get<double>() * step_ms);
  EXPECT_EQ(report_["config"]["clock_mhz"], 250.0);
  EXPECT_NE(out_.find(fmt::format("= {:.4g} us at 250 MHz = {:g} ms of audio", d["median_us"].get<double>(),
                                  d["median_audio_ms"].get<double>())),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("clock 250 MHz (--clock-mhz)"), std::string::npos) << out_;
  // The default clock is stated.
  ASSERT_EQ(run(""), 0);
  EXPECT_NE(out_.find("clock 100 MHz (--clock-mhz)"), std::string::npos) << out_;
  EXPECT_NE(run("--clock-mhz 0"), 0);
  EXPECT_NE(out_.find("--clock-mhz: must be a positive number"), std::string::npos) << out_;
}

TEST_F(SimFigures, EnergyPerInferenceSplitThreeWaysWithItsSource) {
  ASSERT_EQ(run(""), 0) << out_;
  EXPECT_NE(report_["energy"]["source"].get<std::string>().find("PLACEHOLDER"), std::string::npos);
  EXPECT_NE(out_.find("source: PLACEHOLDER"), std::string::npos) << out_;
  ASSERT_EQ(run("--energy-router-pj 2 --energy-synapse-pj 0.5 --energy-neuron-pj 0.25"), 0) << out_;
  const auto& e = report_["energy"];
  EXPECT_FALSE(e["placeholder"].get<bool>());
  EXPECT_NE(e["source"].get<std::string>().find("command line"), std::string::npos);
  const double samples = report_["input"]["samples"].get<double>(), recordings = report_["input"]["recordings"].get<double>();
  EXPECT_EQ(samples, 12);
  EXPECT_DOUBLE_EQ(e["per_sample"]["router_pj"].get<double>(), 2.0 * report_["router_traversals"].get<double>() / samples);
  EXPECT_DOUBLE_EQ(e["per_sample"]["synaptic_pj"].get<double>(), 0.5 * report_["synaptic_events"].get<double>() / samples);
  EXPECT_DOUBLE_EQ(e["per_sample"]["neuron_pj"].get<double>(), 0.25 * report_["neuron_updates"].get<double>() / samples);
  EXPECT_DOUBLE_EQ(e["per_recording"]["total_pj"].get<double>(), e["total_pj"].get<double>() / recordings);
  EXPECT_NEAR(e["per_sample"]["total_pj"].get<double>(),
              e["per_sample"]["router_pj"].get<double>() + e["per_sample"]["synaptic_pj"].get<double>() +
                  e["per_sample"]["neuron_pj"].get<double>(),
              1e-9 * e["total_pj"].get<double>());
  EXPECT_NE(out_.find(fmt::format("{:.4g} nJ per subset-sample", e["per_sample"]["total_pj"].get<double>() * 1e-3)),
            std::string::npos)
      << out_;
}

// The chip figure against the report of the same run: every router and tile with its number,
// the busiest ones labelled, every link direction that carried events.
void check_chip_figure(const SvgDocument& svg, const nlohmann::json& report, bool aer) {
  const double samples = report["input"]["samples"].get<double>();
  std::int64_t most = -1;
  std::string busiest;
  for (const auto& r : report["routers"]) {
    const std::string id = fmt::format("{}_{}_{}", r["type"].get<std::string>(), r["pos"][0].get<int>(), r["pos"][1].get<int>());
    const auto* g = svg.by_id(id);
    ASSERT_NE(g, nullptr) << id;
    const double per_sample = r["traversals"].get<double>() / samples;
    EXPECT_NEAR(std::stod(g->attr("data-traversals-per-sample")), per_sample, 1e-6 * (1 + per_sample)) << id;
    const auto texts = svg.child_texts(g);
    EXPECT_NE(std::find(texts.begin(), texts.end(), mapping::svg_number(per_sample)), texts.end()) << id;
    if (aer) {
      const int fifo = *std::max_element(r["max_fifo"].begin(), r["max_fifo"].end());
      const std::string want = fmt::format("F{} S{}", fifo, mapping::svg_number(r["stall_cycles"].get<double>() / samples));
      EXPECT_NE(std::find(texts.begin(), texts.end(), want), texts.end()) << id << " " << want;
    }
    if (r["traversals"].get<std::int64_t>() > most) most = r["traversals"], busiest = id;
    const char* sides = "NESW";
    for (int s = 0; s < 4; ++s) {
      const std::int64_t out = r["port_events"][4 + s];
      const auto* link = svg.by_id(id + ".out_" + sides[s]);
      if (out > 0) {
        ASSERT_NE(link, nullptr) << id << ".out_" << sides[s];
        EXPECT_NEAR(std::stod(link->attr("data-events-per-sample")), out / samples, 1e-6 * (1 + out / samples));
      } else {
        EXPECT_EQ(link, nullptr) << id << ".out_" << sides[s];
      }
    }
  }
  const auto busiest_texts = svg.child_texts(svg.by_id(busiest));
  EXPECT_NE(std::find(busiest_texts.begin(), busiest_texts.end(), "busiest"), busiest_texts.end()) << busiest;
  EXPECT_NE(svg.all_text().find("busiest router " + busiest + ": "), std::string::npos) << svg.all_text();
  for (const auto& t : report["tiles"]) {
    const auto* g = svg.by_id("tile_" + std::to_string(t["tile"].get<int>()));
    ASSERT_NE(g, nullptr);
    const auto texts = svg.child_texts(g);
    EXPECT_NE(std::find(texts.begin(), texts.end(), mapping::svg_number(t["spikes"].get<double>() / samples)), texts.end());
  }
}

TEST_F(SimFigures, ChipFigureShowsTheTrafficOfTheReport) {
  ASSERT_EQ(run("--svg '" + dir_ + "/chip.svg'"), 0) << out_;
  const SvgDocument svg = parse_svg(read_text(dir_ + "/chip.svg"));
  check_chip_figure(svg, report_, false);
  EXPECT_TRUE(svg.all("text", "class", "aer").empty());
}

TEST_F(SimFigures, ChipFigureShowsFifosAndStallsInAerMode) {
  ASSERT_EQ(run("--mode aer --fifo-depth 1 --tick 40 --svg '" + dir_ + "/chip.svg'"), 0) << out_;
  const SvgDocument svg = parse_svg(read_text(dir_ + "/chip.svg"));
  check_chip_figure(svg, report_, true);
  EXPECT_NE(svg.all_text().find("fullest FIFO 1/1"), std::string::npos) << svg.all_text();
}

TEST_F(SimFigures, LatencyFigureShowsTheHistogramAndTheAccuracyOverTime) {
  ASSERT_EQ(run("--svg-latency '" + dir_ + "/latency.svg'"), 0) << out_;
  const SvgDocument svg = parse_svg(read_text(dir_ + "/latency.svg"));
  const auto& histogram = report_["decision_latency"]["histogram_steps"];
  std::int64_t total = 0;
  for (const auto* bar : svg.all("rect", "class", "bar")) {
    const int step = std::stoi(bar->attr("data-step"));
    EXPECT_EQ(std::stoll(bar->attr("data-samples")), histogram[step].get<std::int64_t>()) << step;
    total += std::stoll(bar->attr("data-samples"));
  }
  EXPECT_EQ(total, 12);
  const auto lines = svg.all("polyline", "class", "accuracy");
  ASSERT_EQ(lines.size(), 1u);
  const std::string points = lines[0]->attr("points");
  EXPECT_EQ(std::count(points.begin(), points.end(), ','), net_.input.bins);  // one point per step
  const auto& by_step = report_["accuracy_by_step"];
  ASSERT_EQ(by_step.size(), static_cast<std::size_t>(net_.input.bins));
  EXPECT_DOUBLE_EQ(by_step.back().get<double>(), report_["summary"]["accuracy"].get<double>());
  const std::string text = svg.all_text();
  const int median = report_["decision_latency"]["median_steps"];
  const double step_ms = report_["decision_latency"]["step_ms"];
  EXPECT_NE(text.find(fmt::format("median {} steps = {:g} ms", median, median * step_ms)), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("final {:.2f} %", 100 * report_["summary"]["accuracy"].get<double>())), std::string::npos);
  EXPECT_NE(text.find("ms of audio"), std::string::npos);
}

}  // namespace
}  // namespace mosaic::sim
