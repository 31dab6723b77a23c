// mosaic-map --svg read back as XML: colours by use against capacity (R1 routers are not all
// at 100 %), violations marked on routers and tiles, the key numbers printed on the figure.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "mapping/mapping.hpp"
#include "mapping/svg.hpp"
#include "models/json_fields.hpp"
#include "test_networks.hpp"
#include "tests/command.hpp"
#include "tests/svg_xml.hpp"

namespace mosaic::mapping {
namespace {

namespace fs = std::filesystem;
using test_support::parse_svg;
using test_support::SvgDocument;

std::string router_id(GridPos p, const Arch& arch) {
  return cell_type_name(arch.cell_type(p)) + "_" + std::to_string(p.x) + "_" + std::to_string(p.y);
}

TEST(UsageSvg, ColoursByUseAgainstTheNetworksMaximumAndPrintsTheNumbers) {
  const Network net = testing::deepr_like_network(Arch(5, 5, 32), {{1, 1.0}, {3, 0.1}}, 1);
  const Mapping m = map_network(net);
  const SvgDocument svg = parse_svg(usage_svg(net.arch, m));
  int r1 = 0, r1_full = 0, printed = 0;
  double worst = 0;
  for (GridPos p : net.arch.routers()) {
    const auto* g = svg.by_id(router_id(p, net.arch));
    ASSERT_NE(g, nullptr) << router_id(p, net.arch);
    const double use = std::stod(g->attr("data-use"));
    EXPECT_LE(use, 1.0 + 1e-9);  // against the network's own maximum: never over
    worst = std::max(worst, use);
    if (net.arch.cell_type(p) == CellType::R1) {
      ++r1;
      r1_full += use > 0.999;
    }
    // The use is printed in the cell, in %.
    for (const std::string& text : svg.child_texts(g)) printed += text == fmt::format("{:.0f}%", 100 * use);
  }
  EXPECT_EQ(printed, static_cast<int>(net.arch.routers().size()));
  EXPECT_DOUBLE_EQ(worst, 1.0);  // the busiest port of some router is the maximum itself
  // Tile-facing inputs are left out: R1 routers are no longer all solid red.
  EXPECT_LT(r1_full, r1 / 4) << r1_full << " of " << r1 << " R1 routers at 100 %";
  const std::string text = svg.all_text();
  for (const std::string& number :
       {std::to_string(m.ports.router_lines()) + " router lines", std::to_string(m.memory.homogeneous.total()) + " cells",
        std::string("mappable: yes"), std::string("needed capacity"), std::string("fullest router")})
    EXPECT_NE(text.find(number), std::string::npos) << number << "\n" << text;
  EXPECT_EQ(svg.all("g", "class", "router violation").size(), 0u);
}

TEST(UsageSvg, MarksViolationsOnRoutersAndTiles) {
  Network net = testing::deepr_like_network(Arch(3, 3, 8), {{1, 0.5}, {3, 0.3}}, 5);
  net.arch.capacity.nt = PortVector{2, 2, 2, 2, 2, 2, 2, 2};  // too small for the tiles' lines
  net.arch.capacity.r0 = PortVector{1, 1, 1, 1, 1, 1, 1, 1};
  const Mapping m = map_network(net);
  ASSERT_FALSE(m.violations.empty());
  const SvgDocument svg = parse_svg(usage_svg(net.arch, m));
  int tiles = 0, routers = 0;
  for (const Violation& v : m.violations) {
    const std::string id = v.type == CellType::NeuronTile ? "tile_" + std::to_string(net.arch.tile_at(v.pos))
                                                          : router_id(v.pos, net.arch);
    const auto* g = svg.by_id(id);
    ASSERT_NE(g, nullptr) << id;
    EXPECT_NE(g->attr("class").find("violation"), std::string::npos) << id;
    const auto texts = svg.child_texts(g);
    EXPECT_NE(std::find(texts.begin(), texts.end(), "!"), texts.end()) << id;
    (v.type == CellType::NeuronTile ? tiles : routers) += 1;
  }
  EXPECT_GT(tiles, 0);
  EXPECT_GT(routers, 0);
  const std::string text = svg.all_text();
  EXPECT_NE(text.find("mappable: NO, " + std::to_string(m.violations.size()) + " ports over capacity"), std::string::npos)
      << text;
  EXPECT_NE(text.find("chip capacity: NT 2 2 2 2 2 2 2 2"), std::string::npos) << text;
  EXPECT_NE(text.find("against the chip's capacity"), std::string::npos) << text;
}

TEST(UsageSvg, TheToolWritesTheFigure) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("mosaic_map_svg_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Network net = testing::deepr_like_network(Arch(3, 3, 8), {{1, 0.5}, {3, 0.3}}, 5);
  write_network((dir / "net.json").string(), net);
  const auto r = test_support::run_command(test_support::tool_path("mosaic-map") + " --net '" + (dir / "net.json").string() +
                                           "' --svg '" + (dir / "usage.svg").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const SvgDocument svg = parse_svg(test_support::read_text(dir / "usage.svg"));
  EXPECT_EQ(svg.all("g", "class", "tile").size(), 9u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mosaic::mapping
