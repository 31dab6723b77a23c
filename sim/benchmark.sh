#!/bin/sh
# The mosaic-sim benchmark (sim/README.md, "Performance"): 2264 recordings x every interleaved
# subset x 100 steps on the 5x5x32 default network, crossbar mode, 2 worker processes; then the
# same samples with the reference pass, for the ratio. Usage, from the repository root:
#   sim/benchmark.sh [network.json] [source.h5] [build dir]
set -eu
net=${1:-traces/default_net.json}
source=${2:-traces/shd_sample.h5}
build=${3:-build}
input=$(mktemp --suffix=.h5)
trap 'rm -f "$input"' EXIT
"$build/bin/mosaic-sim-bench-input" --from "$source" --out "$input" --recordings 2264
echo "== mosaic-sim, crossbar, 2 workers"
"$build/bin/mosaic-sim" --net "$net" --input "$input" --jobs 2
echo "== the same with the reference pass (simulator vs reference time)"
"$build/bin/mosaic-sim" --net "$net" --input "$input" --jobs 2 --reference
