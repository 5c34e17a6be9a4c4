#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Instructions per request on the 5-node bench herd, under callgrind: the
# figure to compare changes by, since it does not depend on the machine's load.
#   bench/profile.sh [BUILD_DIR]   (env: REQUESTS=5000 CONNECTIONS=100 MIX=iamat=100 OUT=DIR)
# Starts `herd --server` under valgrind --tool=callgrind on free loopback
# ports, waits for the links, zeroes the counters, drives REQUESTS requests
# with herd-load, dumps the counters and prints the total and the total per
# request. The dump (callgrind.out.*) stays in OUT for callgrind_annotate.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/benchherd.sh
source "$here/benchherd.sh"
build=${1:-$root/build}
requests=${REQUESTS:-5000}
connections=${CONNECTIONS:-100}
mix=${MIX:-iamat=100}
out=${OUT:-$(mktemp -d /tmp/herd-profile.XXXXXX)}
mkdir -p "$out"
herd=$build/bin/herd
load=$build/bin/herd-load

work=$(mktemp -d /tmp/herd-profile-run.XXXXXX)
herdPid=
cleanup() {
    [[ -n $herdPid ]] && kill "$herdPid" 2>/dev/null && wait "$herdPid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

read -r -a ports <<<"$(freePorts 5)"
writeBenchHerd "$work/herd.json" "profile: the CS 131 five on free loopback ports" "${ports[@]:0:5}"

valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out.%p" \
    "$herd" --server --config "$work/herd.json" --log-dir "$work/logs" >"$work/herd.out" 2>"$work/valgrind.err" &
herdPid=$!
for _ in $(seq 600); do
    (($(grep -c ' up$' "$work/herd.out" || true) >= 10)) && break
    sleep 0.1
done
(($(grep -c ' up$' "$work/herd.out" || true) >= 10)) || { cat "$work/herd.out" "$work/valgrind.err"; echo "profile: links did not come up"; exit 1; }

callgrind_control -z "$herdPid" >/dev/null 2>&1
"$load" --port "$(IFS=,; echo "${ports[*]}")" --connections "$connections" --requests "$requests" \
    --duration 600 --timeout 60000 --mix "$mix" --clients 1000 >"$work/load.out" 2>&1 || { cat "$work/load.out"; exit 1; }
callgrind_control -d "$herdPid" >/dev/null 2>&1
sleep 0.5
dump=$(ls -t "$out"/callgrind.out.* | head -1)
total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
echo "profile: $requests requests ($mix, $connections connections): $total instructions, $((total / requests)) per request"
echo "profile: dump $dump"
