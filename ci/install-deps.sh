#!/usr/bin/env bash
# Installs the system packages swift-scoop needs, if they are missing:
# libzmq (ZeroMQ transport), OpenMPI (MPI transport), openssh (SSH launcher tests),
# chromium (report rendering test, with --tests).
set -euo pipefail

needed=()
pkg-config --exists libzmq 2>/dev/null || needed+=(libzmq3-dev)
pkg-config --exists ompi-c 2>/dev/null || needed+=(libopenmpi-dev)
command -v mpirun >/dev/null 2>&1 || needed+=(openmpi-bin)
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || needed+=(openssh-server)
command -v ssh >/dev/null 2>&1 || needed+=(openssh-client)
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
# Headless browser for the `scoop report` rendering test (test suite only:
# `bash ci/install-deps.sh --tests`).
if [ "${1:-}" = "--tests" ]; then
  command -v chromium >/dev/null 2>&1 || needed+=(chromium)
fi

if [ ${#needed[@]} -gt 0 ]; then
  echo "ci/install-deps.sh: installing ${needed[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi
