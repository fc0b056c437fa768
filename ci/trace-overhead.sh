#!/usr/bin/env bash
# Measures what tracing costs: scoop-bench W1 and W4 with and without
# SCOOP_TRACE, alternating runs in one session, then the ratio of medians
# (traced / untraced throughput; 1.00 = no cost).
#
#   swift build -c release --product scoop-bench && swift build -c release --product scoop
#   bash ci/trace-overhead.sh [rounds] [threads|zeromq]
set -euo pipefail
rounds=${1:-10}
transport=${2:-threads}
ONLY=${ONLY:-W1,W4}   # the workloads to compare, e.g. ONLY=W4
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bench() {  # $1 = off|on
  local trace=()
  [ "$1" = on ] && trace=(--trace "$work/trace.json")
  if [ "$transport" = zeromq ]; then
    "$bin/scoop" run -n 2 "${trace[@]}" -- "$bin/scoop-bench" --only "$ONLY" --repeat 5
  else
    if [ "$1" = on ]; then export SCOOP_TRACE="$work/trace.json"; else unset SCOOP_TRACE; fi
    SCOOP_WORKERS=2 "$bin/scoop-bench" --only "$ONLY" --repeat 5
  fi
}

for ((round = 0; round < rounds; round++)); do
  # ABBA order: neither mode always runs first (the cores' speed drifts).
  modes="off on"; ((round % 2)) && modes="on off"
  for mode in $modes; do
    bench "$mode" | grep '"workload"' | sed "s/^/$mode /" >> "$work/lines"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for workload in ${ONLY//,/ }; do
  off=$(grep "^off " "$work/lines" | grep "\"workload\":\"$workload\"" | sed 's/.*"value":\([0-9.e+-]*\).*/\1/' | median)
  on=$(grep "^on " "$work/lines" | grep "\"workload\":\"$workload\"" | sed 's/.*"value":\([0-9.e+-]*\).*/\1/' | median)
  samples=$(grep -c "^on .*\"workload\":\"$workload\"" "$work/lines")
  awk -v w="$workload" -v t="$transport" -v off="$off" -v on="$on" -v n="$samples" \
    'BEGIN { printf "%s %s: median %.0f/s untraced, %.0f/s traced, ratio %.3f (%d samples each)\n", t, w, off, on, on / off, n }'
done
