#!/usr/bin/env bash
# The main job: builds swift-scoop and runs the seed's example on the default
# (threads) transport, then the same binary under `scoop run` (ZeroMQ).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh
swift build -c release --product hello
swift build -c release --product scoop
echo "== threads (./hello)"
.build/release/hello
echo "== ZeroMQ (scoop run -n 4 -- hello)"
.build/release/scoop run -n 4 -- .build/release/hello
