#!/usr/bin/env bash
# Benchmark of mosaic-map (figures in mapping/README.md): maps the initial routing-aware
# networks of profile 1:1.0,3:0.1 written by `mosaic-train --epochs 0` on 5x5x32, 8x8x32 and
# 16x16x32, with one-turn and tree routing and fixed placement, and times each whole process
# (reading the network, routing, building and writing tables and report).
# Usage: mapping/bench_mapping.sh [BIN_DIR (build/bin)] [WORK_DIR (a new temporary folder)]
set -euo pipefail
bin=${1:-build/bin}
work=${2:-$(mktemp -d)}
mkdir -p "$work"

echo "| network | routing | wall time | CPU time | links | router lines | homogeneous cells | per-instance cells | routes.json |"
echo "|---|---|---|---|---|---|---|---|---|"
for arch in 5x5x32 8x8x32 16x16x32; do
  net="$work/net_$arch.json"
  if [ ! -f "$net" ]; then
    "$bin/mosaic-train" --arch "$arch" --mode routing-aware --profile 1:1.0,3:0.1 --epochs 0 --seed 1 \
      --out "$net" --no-progress > /dev/null 2>&1
  fi
  for routing in one-turn tree; do
    # Wall time and CPU time (user + sys) of the whole process.
    TIMEFORMAT='%R %U %S'
    { time "$bin/mosaic-map" --net "$net" --routing "$routing" --out "$work/routes.json" \
        --report "$work/map.json" > "$work/summary.txt"; } 2> "$work/time.txt"
    read -r wall user sys < "$work/time.txt"
    summary=$(cat "$work/summary.txt")
    links=$(sed -n 's/.* \([0-9]*\) links.*/\1/p' <<< "$summary")
    lines=$(sed -n 's/.* \([0-9]*\) router lines.*/\1/p' <<< "$summary")
    homogeneous=$(sed -n 's/.*homogeneous model: \([0-9]*\) cells.*/\1/p' <<< "$summary")
    per_instance=$(sed -n 's/.*per-instance model: \([0-9]*\) cells.*/\1/p' <<< "$summary")
    size=$(du -h "$work/routes.json" | cut -f1)
    printf "| %s (%s) | %s | %.2f s | %.2f s | %s | %s | %s | %s | %s |\n" "$arch" "$(du -h "$net" | cut -f1)" \
      "$routing" "$wall" "$(echo "$user + $sys" | bc)" "$links" "$lines" "$homogeneous" "$per_instance" "$size"
  done
done
