#!/usr/bin/env bash
# Measures what tracing costs: scoop-bench with and without tracing, in pairs
# of runs made back to back (ABBA order: neither mode always runs first),
# each run the median of REPEAT repetitions in one process. For every pair
# the ratio traced / untraced of the workload's value; printed: the median
# ratio over all pairs and its quartiles (1.00 = free; for time metrics,
# `seconds` and `us_per_roundtrip`, the ratio is untraced / traced, so below
# 1 is always a cost). Runs that failed verification are left out; a run that
# fails is reported and the pair skipped, the others still count.
# Pairs cancel the slow drift of these machines' speed, which a ratio of two
# medians taken over a whole session does not.
#
#   swift build -c release --product scoop-bench && swift build -c release --product scoop
#   bash ci/trace-overhead.sh [pairs] [threads|zeromq|mpi]
#   ONLY=W4 REPEAT=50 bash ci/trace-overhead.sh 30 threads
set -euo pipefail
export LC_ALL=C
pairs=${1:-10}
transport=${2:-threads}
ONLY=${ONLY:-W1,W4}   # the workloads to compare, e.g. ONLY=W4
REPEAT=${REPEAT:-5}
bin=${BIN:-$(swift build -c release --show-bin-path)}  # BIN=dir: measure other binaries (A/B)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bench() {  # $1 = off|on
  local trace=()
  [ "$1" = on ] && trace=(--trace "$work/trace.json")
  case "$transport" in
    zeromq) unset SCOOP_TRACE; "$bin/scoop" run -n 2 "${trace[@]}" -- "$bin/scoop-bench" --only "$ONLY" --repeat "$REPEAT" ;;
    mpi)
      unset SCOOP_TRACE
      local env=()
      [ "$1" = on ] && env=(-x "SCOOP_TRACE=$work/trace.json")
      mpirun --allow-run-as-root --oversubscribe "${env[@]}" -n 2 "$bin/scoop-bench" --only "$ONLY" --repeat "$REPEAT" ;;
    *)
      if [ "$1" = on ]; then export SCOOP_TRACE="$work/trace.json"; else unset SCOOP_TRACE; fi
      SCOOP_WORKERS=2 "$bin/scoop-bench" --only "$ONLY" --repeat "$REPEAT" ;;
  esac
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
quartiles() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f %.3f", v[int(NR / 4) + 1], v[int(3 * NR / 4) + (NR % 4 == 0 ? 0 : 1)] }'; }

for ((pair = 0; pair < pairs; pair++)); do
  modes="off on"; ((pair % 2)) && modes="on off"
  for mode in $modes; do
    { bench "$mode" 2>"$work/stderr" || echo "pair $pair, $mode: scoop-bench failed ($(tail -1 "$work/stderr"))" >&2; } \
      | { grep '"workload"' || true; } | grep '"ok":true' | sed "s/^/$pair $mode /" >> "$work/lines" || true
  done
done

for workload in ${ONLY//,/ }; do
  ratios=$(for ((pair = 0; pair < pairs; pair++)); do
    off=$(grep "^$pair off .*\"workload\":\"$workload\"" "$work/lines" | sed 's/.*"value":\([0-9.e+-]*\).*/\1/' | median)
    on=$(grep "^$pair on .*\"workload\":\"$workload\"" "$work/lines" | sed 's/.*"value":\([0-9.e+-]*\).*/\1/' | median)
    metric=$(grep -m1 "\"workload\":\"$workload\"" "$work/lines" | sed 's/.*"metric":"\([A-Za-z_]*\)".*/\1/')
    [ "$off" = nan ] || [ "$on" = nan ] && continue
    # Lower is better for time-like metrics: invert, so that < 1 always means a cost.
    case "$metric" in seconds|us_per_roundtrip) awk -v a="$off" -v b="$on" 'BEGIN { print a / b }' ;;
      *) awk -v a="$off" -v b="$on" 'BEGIN { print b / a }' ;; esac
  done)
  count=$(echo "$ratios" | grep -c . || true)
  [ "$count" -gt 0 ] || { echo "$transport $workload: no results"; continue; }
  echo "$transport $workload: median ratio $(echo "$ratios" | median | xargs printf '%.3f') (quartiles $(echo "$ratios" | quartiles); $count pairs of $REPEAT repetitions)"
done
