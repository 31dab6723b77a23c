#pragma once
// The mosaic-train command line: options -> TrainConfig + RunFiles, then train, write the
// initial network (--epochs 0) or evaluate a network (--eval).
namespace mosaic::train {

// The whole tool; returns the exit code (bad input raises InputError: exit 2 via run_tool).
int run_cli(int argc, char** argv);

}  // namespace mosaic::train
