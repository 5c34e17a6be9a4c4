#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what Herd needs to build, run and test on Debian 12, from Debian's
# own packages. Safe to run again: apt-get skips what is already there.
set -euo pipefail
packages=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools libgl1-mesa-dev
    # Qt's HTTP server, for herd --places-server (http/). Its CMake package
    # needs Qt WebSockets, which Debian only recommends: without it, CMake
    # cannot find HttpServer (--no-install-recommends below).
    qt6-httpserver-dev qt6-websockets-dev
    libqcustomplot-dev libqcustomplot2.1-qt6
    # Graphviz: the stress layout of big herds in the window (herdui only)
    libgraphviz-dev
    libqt6svg6 netcat-openbsd python3
    # The sanitizer and fuzz builds (tools/test-all.sh): clang for libFuzzer,
    # libclang-rt-14-dev for its runtime and clang's sanitizer runtimes, llvm
    # for llvm-symbolizer (file:line in sanitizer reports). GCC's libasan and
    # libubsan come with g++.
    clang libclang-rt-14-dev llvm
    # tools/check-format.sh (CI's format stage).
    clang-format
    # tst_monitor reads /metrics with Prometheus' own parser.
    python3-prometheus-client
    # tst_netns: tools/netns-herd.sh makes namespaces, veths and a bridge.
    iproute2
    # The install check (tests/check-install.sh) validates the desktop file;
    # systemd-analyze, from systemd, verifies the unit where it is installed.
    desktop-file-utils
    # Not needed, but test-all.sh uses it when present: a rerun recompiles
    # only what changed.
    ccache
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
