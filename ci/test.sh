#!/usr/bin/env bash
# The whole test suite: unit tests, API tests on threads, and integration
# tests that start real processes (scoop run over ZeroMQ, mpirun, sshd).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh --tests
swift build --build-tests
swift test --skip-build
# libFuzzer targets for the decoders, a short run (its own package: Fuzz/).
bash ci/fuzz.sh
