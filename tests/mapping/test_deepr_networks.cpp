// Mapping DeepR-like initial networks: tables consistent, tree versus one-turn, memory.
#include <gtest/gtest.h>

#include "mapping/mapping.hpp"
#include "mapping/report.hpp"
#include "models/error.hpp"
#include "test_networks.hpp"

namespace mosaic::mapping {
namespace {

using testing::deepr_like_network;

TEST(Tables, FollowingTheCrossbarCellsReachesExactlyEachSourcesTargets) {
  const Network net = deepr_like_network(Arch(5, 5, 32), {{1, 0.7}, {3, 0.2}, {5, 0.05}}, 7);
  for (RoutingAlgorithm algorithm : {RoutingAlgorithm::OneTurn, RoutingAlgorithm::Tree}) {
    const Mapping m = map_network(net, algorithm);
    const RoutingTables tables = build_tables(net, m.routes);
    EXPECT_TRUE(table_problems(net, tables).empty()) << routing_name(algorithm);
    // Every source's spike crosses as many routers as its tree has router lines, and each
    // delivery arrives after the routers of its path.
    const TableIndex index(net.arch, tables);
    const auto histogram = hop_histogram(net.arch, m.routes);
    std::map<int, long> traced;
    for (const SourceTree& tree : m.routes.trees) {
      const SpikeTrace trace = index.trace(tree.source);
      long tree_router_lines = 0;
      for (const Hop& hop : tree.hops) tree_router_lines += net.arch.tile_at(hop.to()) < 0;
      EXPECT_EQ(trace.router_traversals, tree_router_lines);
      for (const Delivery& d : trace.deliveries) ++traced[d.routers];
    }
    EXPECT_EQ(traced, histogram) << routing_name(algorithm);
  }
}

TEST(Tables, JsonRoundTripIsLossless) {
  const Network net = deepr_like_network(Arch(4, 4, 8), {{1, 0.5}, {3, 0.3}}, 3);
  const RoutingTables tables = route_network(net, RoutingAlgorithm::Tree);
  const RoutingTables back = tables_from_json(tables_to_json(tables), "routes.json", net);
  EXPECT_EQ(tables_to_json(back), tables_to_json(tables));
}

TEST(Tables, StaleOrForeignTablesAreRefused) {
  const Network net = deepr_like_network(Arch(4, 4, 8), {{1, 0.5}}, 3);
  const nlohmann::json tables = tables_to_json(route_network(net));
  Network tuned = net;
  tuned.recurrent.front().weight += 1.0f;  // a fine-tune: same pairs, the tables stay valid
  EXPECT_NO_THROW(tables_from_json(tables, "routes.json", tuned));
  Network changed = net;
  changed.recurrent.front().post = changed.recurrent.front().post == 0 ? 1 : 0;  // rewired
  EXPECT_THROW(tables_from_json(tables, "routes.json", changed), InputError);
  try {
    tables_from_json(tables, "routes.json", changed);
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "connectivity_digest");
    EXPECT_NE(std::string(e.what()).find(connectivity_digest(changed)), std::string::npos) << e.what();
  }
  // The check is the digest comparison itself: restamped, the tables pass it and then fail
  // delivery (the rewired synapse's target is not reached).
  nlohmann::json restamped = tables;
  restamped["connectivity_digest"] = connectivity_digest(changed);
  try {
    tables_from_json(restamped, "routes.json", changed);
  } catch (const InputError& e) {
    EXPECT_NE(e.field(), "connectivity_digest");
  }
  nlohmann::json old = tables;
  old["version"] = 1;
  try {
    tables_from_json(old, "routes.json", net);
    ADD_FAILURE() << "version 1 tables accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("re-run mosaic-map"), std::string::npos) << e.what();
  }
  nlohmann::json bad = tables;
  bad["routers"][0]["lines"][0]["out"] = "X";
  EXPECT_THROW(tables_from_json(bad, "routes.json", net), InputError);
  bad = tables;
  bad["tiles"][3]["lines"][0]["targets"][0] = 0;  // tile 3 cannot target neuron 0
  EXPECT_THROW(tables_from_json(bad, "routes.json", net), InputError);
  bad = tables;
  bad["version"] = 3;  // a version this tool does not know
  EXPECT_THROW(tables_from_json(bad, "routes.json", net), InputError);
  // A consistent-looking file that drops a router line loses spikes: table_problems says so.
  RoutingTables dropped = tables_from_json(tables, "routes.json", net);
  dropped.routers.front().lines.erase(dropped.routers.front().lines.begin());
  EXPECT_FALSE(table_problems(net, dropped).empty());
}

// The field of the InputError tables_from_json throws for `tables`, or "" when they pass.
std::string refused_field(const nlohmann::json& tables, const Network& net) {
  try {
    tables_from_json(tables, "routes.json", net);
  } catch (const InputError& e) {
    return e.field();
  }
  return "";
}

TEST(Tables, StructureIsExact) {
  const Network net = deepr_like_network(Arch(4, 4, 8), {{1, 0.5}, {3, 0.3}}, 3);
  const nlohmann::json tables = tables_to_json(route_network(net, RoutingAlgorithm::Tree));
  ASSERT_EQ(refused_field(tables, net), "");
  const std::string out = tables["routers"][5]["lines"][0]["out"], in = tables["routers"][5]["lines"][0]["in"];
  nlohmann::json bad = tables;
  bad["routers"][5]["lines"][0]["out"] = out + out[0];  // a side twice
  EXPECT_EQ(refused_field(bad, net), "routers[5].lines[0].out");
  // An extra side back where the spike came from: no line there carries it on, so the spike
  // would travel to nowhere (the delivery check alone does not see it).
  bad["routers"][5]["lines"][0]["out"] = out + in;
  EXPECT_EQ(refused_field(bad, net), "routers[5].lines[0].out");
}

TEST(Tables, EveryRuleRefusesItsOwnCase) {
  const Network net = deepr_like_network(Arch(4, 4, 8), {{1, 0.5}, {3, 0.3}}, 3);
  const nlohmann::json tables = tables_to_json(route_network(net));
  const auto with = [&](const std::string& pointer, const nlohmann::json& value) {
    nlohmann::json bad = tables;
    bad[nlohmann::json::json_pointer(pointer)] = value;
    return refused_field(bad, net);
  };
  EXPECT_EQ(with("/arch", "4x4x16"), "arch");
  EXPECT_EQ(with("/routing", "zigzag"), "routing");
  nlohmann::json on_tile = tables;
  on_tile["routers"][0]["x"] = 1;
  on_tile["routers"][0]["y"] = 1;
  EXPECT_EQ(refused_field(on_tile, net), "routers[0].x");  // (1, 1) is a neuron tile
  EXPECT_EQ(with("/routers/0/x", 99), "routers[0].x");    // off the grid
  EXPECT_EQ(with("/routers/0/type", "NT"), "routers[0].type");
  EXPECT_EQ(with("/routers/0/lines/0/source", 128), "routers[0].lines[0].source");
  EXPECT_EQ(with("/tiles/2/tile", 3), "tiles[2].tile");
  EXPECT_EQ(with("/tiles/3/lines/0/source", -1), "tiles[3].lines[0].source");
  nlohmann::json twice = tables;
  twice["routers"].push_back(tables["routers"][0]);
  EXPECT_EQ(refused_field(twice, net), "routers[" + std::to_string(tables["routers"].size()) + "].x");
  nlohmann::json repeated = tables;
  repeated["tiles"][3]["lines"].push_back(tables["tiles"][3]["lines"][0]);
  EXPECT_EQ(refused_field(repeated, net), "lines");  // one line per (cell, side, source)
}

TEST(TreeRouting, UsesFewerLinesThanOneTurnAndNeverMoreMemory) {
  for (auto [profile, seed] : {std::pair{std::map<int, double>{{1, 0.5}, {3, 0.3}}, 1},
                               std::pair{std::map<int, double>{{1, 0.7}, {3, 0.2}}, 2},
                               std::pair{std::map<int, double>{{1, 1.0}, {3, 0.1}}, 3}}) {
    const Network net = deepr_like_network(Arch(5, 5, 32), profile, seed);
    const Mapping one_turn = map_network(net, RoutingAlgorithm::OneTurn);
    const Mapping tree = map_network(net, RoutingAlgorithm::Tree);
    EXPECT_LT(tree.ports.router_lines(), one_turn.ports.router_lines());
    EXPECT_LE(tree.memory.homogeneous.total(), one_turn.memory.homogeneous.total());
    EXPECT_LE(tree.memory.per_instance.total(), one_turn.memory.per_instance.total());
    std::cout << "p1 " << profile.at(1) << " p3 " << profile.at(3) << ": router lines one-turn "
              << one_turn.ports.router_lines() << ", tree " << tree.ports.router_lines() << "; memory one-turn "
              << one_turn.memory.homogeneous.total() << " / " << one_turn.memory.per_instance.total() << ", tree "
              << tree.memory.homogeneous.total() << " / " << tree.memory.per_instance.total() << "\n";
  }
}

TEST(TreeRouting, SavesLinesOnLongRangeLinks) {
  // Links at distances 5 and 7 give the trees room to share.
  const Network net = deepr_like_network(Arch(5, 5, 32), {{1, 0.3}, {5, 0.1}, {7, 0.1}}, 4);
  const Mapping one_turn = map_network(net, RoutingAlgorithm::OneTurn);
  const Mapping tree = map_network(net, RoutingAlgorithm::Tree);
  EXPECT_LT(tree.ports.router_lines(), one_turn.ports.router_lines() * 95 / 100);
  EXPECT_LE(tree.memory.homogeneous.total(), one_turn.memory.homogeneous.total());
  EXPECT_LE(tree.memory.per_instance.total(), one_turn.memory.per_instance.total());
}

TEST(Memory, PaperProfileIsNearThePublishedFigure) {
  // models/SPEC.md section 1.5: p1 = 1.0, p3 = 0.1 on 5 x 5 x 32 needs about 0.84e6 cells,
  // NT input sides of about 43 lines and R1 ports of about 43.
  const Network net = deepr_like_network(Arch(5, 5, 32), {{1, 1.0}, {3, 0.1}}, 42);
  const Mapping m = map_network(net);
  const long total = m.memory.homogeneous.total();
  std::cout << "5x5x32 1:1.0,3:0.1 homogeneous memory " << total << " cells, per instance "
            << m.memory.per_instance.total() << "\n";
  EXPECT_GT(total, 0.7e6);
  EXPECT_LT(total, 1.0e6);
}

TEST(Capacity, TheAuthorsNotebookChipFitsOnlyProfilesWithoutDistanceThree) {
  // models/SPEC.md section 1.4: on NT = [32]x8, R0 = [8]x8, R1 = [32]x8 only p3 = 0 fits at 5x5x32.
  const auto on_notebook_chip = [](Network net) {
    net.arch.capacity = {PortVector{32, 32, 32, 32, 32, 32, 32, 32}, PortVector{8, 8, 8, 8, 8, 8, 8, 8},
                         PortVector{32, 32, 32, 32, 32, 32, 32, 32}};
    return net;
  };
  for (double p1 : {0.5, 1.0}) {
    const Network without_p3 = on_notebook_chip(testing::deepr_like_network(Arch(5, 5, 32), {{1, p1}}, 5));
    const Network with_p3 = on_notebook_chip(testing::deepr_like_network(Arch(5, 5, 32), {{1, p1}, {3, 0.1}}, 5));
    for (RoutingAlgorithm algorithm : {RoutingAlgorithm::OneTurn, RoutingAlgorithm::Tree}) {
      EXPECT_TRUE(map_network(without_p3, algorithm).violations.empty()) << p1;
      EXPECT_FALSE(map_network(with_p3, algorithm).violations.empty()) << p1;
    }
  }
}

}  // namespace
}  // namespace mosaic::mapping
