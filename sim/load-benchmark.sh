#!/bin/sh
# Load benchmark of mosaic-sim (sim/README.md, "Memory"): peak RSS on 500 and on 5,000
# recordings (cycled from the bundled sample by mosaic-sim-bench-input, real SHD layout). The
# network is small (2x2x20, 10 steps), so the run costs little besides reading the input and
# the figure shows what the input costs in memory: it should be the same for both.
# Usage, from the repository root: sim/load-benchmark.sh [build dir] [jobs]
set -eu
build=${1:-build}
jobs=${2:-1}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$build/bin/mosaic-train" --epochs 0 --arch 2x2x20 --c-min 4 --bins 10 --seed 1 \
  --out "$dir/net.json" 2>/dev/null
for n in 500 5000; do
  "$build/bin/mosaic-sim-bench-input" --from traces/shd_sample.h5 --out "$dir/in$n.h5" --recordings "$n" --classes 20 >/dev/null
  /usr/bin/time -v "$build/bin/mosaic-sim" --net "$dir/net.json" --input "$dir/in$n.h5" --jobs "$jobs" \
    --report "$dir/report$n.json" >/dev/null 2>"$dir/time$n.txt" || { cat "$dir/time$n.txt"; exit 1; }
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$dir/time$n.txt")
  wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$dir/time$n.txt")
  echo "recordings $n: peak RSS $rss kB, wall $wall, input $(du -k "$dir/in$n.h5" | cut -f1) kB"
done
