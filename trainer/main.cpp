#include "models/error.hpp"
#include "trainer/cli.hpp"

int main(int argc, char** argv) {
  return mosaic::run_tool("mosaic-train", [&] { return mosaic::train::run_cli(argc, argv); });
}
