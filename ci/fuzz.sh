#!/usr/bin/env bash
# A short libFuzzer run of each decoder of untrusted bytes (package Fuzz/):
# the envelope decoder with the broker's receive path, and the payload codec.
# Each target runs SCOOP_FUZZ_SECONDS (default 20) from the committed seed
# corpus in Fuzz/Corpus. A crash fails the job; the input that crashed is
# kept in Fuzz/.build/artifacts/ (replay: Fuzz/.build/debug/FuzzEnvelope FILE).
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds=${SCOOP_FUZZ_SECONDS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build() { swift build -c debug -Xswiftc -sanitize=fuzzer,address >"$work/build.log" 2>&1; }
# A build directory made before a change of the main package's C modules can
# hold stale module maps: if the build fails, build once more from clean.
if ! build; then
    echo "fuzz: the build failed; retrying from a clean Fuzz/.build" >&2
    rm -rf .build
    if ! build; then
        grep -v "Cannot export local symbol" "$work/build.log" | tail -40
        echo "fuzz: the fuzz targets do not build" >&2
        exit 1
    fi
fi
grep -v "Cannot export local symbol" "$work/build.log" | tail -1
mkdir -p .build/artifacts
for target in envelope payload; do
    binary=".build/debug/Fuzz${target^}"
    mkdir -p "$work/$target"
    echo "== fuzzing the $target decoder for ${seconds}s"
    if ! "$binary" "$work/$target" "Corpus/$target" -max_total_time="$seconds" -max_len=4096 \
        -artifact_prefix=.build/artifacts/ -print_final_stats=1 >"$work/$target.log" 2>&1; then
        tail -60 "$work/$target.log"
        echo "fuzz: $target crashed; the input is in Fuzz/.build/artifacts/" >&2
        exit 1
    fi
    grep -E "^Done|stat::(average_exec_per_sec|new_units_added|peak_rss_mb)" "$work/$target.log"
done
