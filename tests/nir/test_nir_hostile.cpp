// Damaged and hostile NIR files: mosaic-nir reads them through the same checked HDF5 helpers
// as the SHD reader (models/hdf5.hpp), so each ends in exit 2 naming the file and the field,
// never a crash, a hang or an unbounded allocation; outputs go through the checked atomic
// writer, so an output that cannot be written is exit 2 naming it.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/command.hpp"
#include "tests/nir/small_graph.hpp"
#include "tools/nir/nir_graph.hpp"

namespace fs = std::filesystem;
using mosaic::test_support::run_command;
using mosaic::test_support::tool_path;

namespace {

class NirHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mosaic_nir_hostile_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // The small graph (tests/nir/small_graph.hpp), written by our writer.
  std::string good_graph(const std::string& name) const {
    const mosaic::nir::Graph g = mosaic::test_support::small_nir_graph();
    mosaic::nir::write_graph(path(name), g);
    return path(name);
  }

  mosaic::test_support::CommandResult import(const std::string& file) const {
    return run_command(tool_path("mosaic-nir") + " import " + file + " --arch 1x1x8 --dt-ms 1 --out " + path("net.json"));
  }

  // Opens a written graph for editing with the HDF5 C API; `edit` gets /node/nodes.
  template <typename Edit>
  void edit_nodes(const std::string& file, Edit edit) const {
    hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    hid_t nodes = H5Gopen2(f, "node/nodes", H5P_DEFAULT);
    ASSERT_GE(nodes, 0);
    edit(f, nodes);
    H5Gclose(nodes);
    H5Fclose(f);
  }

  fs::path dir_;
};

void expect_refused(const mosaic::test_support::CommandResult& result, const std::string& file, const std::string& named) {
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(file), std::string::npos) << "expected the file in: " << result.output;
  EXPECT_NE(result.output.find(named), std::string::npos) << "expected \"" << named << "\" in: " << result.output;
}

TEST_F(NirHostile, TheUntouchedGraphImports) {
  const auto result = import(good_graph("good.nir"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(NirHostile, AGraphGroupThatContainsItselfIsRefusedNotRecursedForever) {
  const std::string file = good_graph("cycle.nir");
  // /node/nodes/again is a hard link to /node: a NIRGraph node holding itself.
  edit_nodes(file, [](hid_t f, hid_t nodes) { ASSERT_GE(H5Lcreate_hard(f, "node", nodes, "again", H5P_DEFAULT, H5P_DEFAULT), 0); });
  expect_refused(import(file), file, "nested graphs deeper than 16 levels");
}

TEST_F(NirHostile, SoftAndExternalLinksAreRefused) {
  const std::string soft = good_graph("soft.nir");
  edit_nodes(soft, [](hid_t, hid_t nodes) { ASSERT_GE(H5Lcreate_soft("/node/nodes/w", nodes, "alias", H5P_DEFAULT, H5P_DEFAULT), 0); });
  expect_refused(import(soft), soft, "node.nodes.alias: is a soft or external link");

  const std::string external = good_graph("external.nir");
  edit_nodes(external, [&](hid_t, hid_t nodes) {
    ASSERT_GE(H5Lcreate_external(soft.c_str(), "/node/nodes/w", nodes, "elsewhere", H5P_DEFAULT, H5P_DEFAULT), 0);
  });
  expect_refused(import(external), external, "node.nodes.elsewhere: is a soft or external link");
}

TEST_F(NirHostile, AShapeLargerThanTheFileCanHoldIsRefusedBeforeAnyAllocation) {
  const std::string file = good_graph("huge.nir");
  // A 10^6 x 10^6 float32 weight (4 TB) that was never written: HDF5 would hand back fill
  // values for all of it.
  edit_nodes(file, [](hid_t, hid_t nodes) {
    hid_t w = H5Gopen2(nodes, "w", H5P_DEFAULT);
    ASSERT_GE(H5Ldelete(w, "weight", H5P_DEFAULT), 0);
    const hsize_t dims[2] = {1000000, 1000000};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t set = H5Dcreate2(w, "weight", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(set, 0);
    H5Dclose(set), H5Sclose(space), H5Gclose(w);
  });
  expect_refused(import(file), file, "node.nodes.w.weight: claims shape 1000000x1000000");
}

TEST_F(NirHostile, TruncatedAndNonHdf5FilesAreRefusedNamingTheFile) {
  const std::string file = good_graph("truncated.nir");
  fs::resize_file(file, fs::file_size(file) / 2);
  const auto truncated = import(file);
  EXPECT_EQ(truncated.exit_code, 2) << truncated.output;
  EXPECT_NE(truncated.output.find(file), std::string::npos) << truncated.output;

  std::ofstream(path("text.nir")) << "not a graph\n";
  expect_refused(import(path("text.nir")), path("text.nir"), "is not an HDF5 file");
  expect_refused(import(path("absent.nir")), path("absent.nir"), "does not exist");
  expect_refused(import(dir_.string()), dir_.string(), "is a folder");
}

TEST_F(NirHostile, OutputsThatCannotBeWrittenAreExitTwoNamingThem) {
  const std::string graph = good_graph("good.nir");
  fs::create_directories(path("a_folder"));
  const auto to_folder = run_command(tool_path("mosaic-nir") + " import " + graph + " --arch 1x1x8 --dt-ms 1 --out " +
                                     path("a_folder"));
  expect_refused(to_folder, path("a_folder"), "cannot be written");

  ASSERT_EQ(import(graph).exit_code, 0);
  const auto export_to_folder =
      run_command(tool_path("mosaic-nir") + " export " + path("net.json") + " --out " + path("a_folder"));
  expect_refused(export_to_folder, path("a_folder"), "cannot be written");
  EXPECT_TRUE(fs::is_directory(path("a_folder")));
  for (const auto& entry : fs::directory_iterator(dir_))  // no temporary left behind
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

}  // namespace
