#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What --record costs: the CS 131 five twice, side by side, both with
# --log none, one with --record; IAMAT/s on each, alternating, for ROUNDS
# rounds (the ratio is taken within a round), and the recording's bytes per
# event. bench/README.md has the numbers.
# Usage: bench/record-bench.sh [BUILD_DIR]
#   env: ROUNDS=5 DURATION=5 CONNECTIONS=100
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/benchherd.sh
source "$here/benchherd.sh"
build=${1:-$root/build}
rounds=${ROUNDS:-5}
duration=${DURATION:-5}
connections=${CONNECTIONS:-100}
cmake --build "$build" --target herd herd-load >/dev/null

startWork record-bench

read -r -a ports <<<"$(freePorts 10)"
writeBenchHerd "$work/off.json" "bench: --record off" "${ports[@]:0:5}"
writeBenchHerd "$work/on.json" "bench: --record on" "${ports[@]:5:5}"
"$build/bin/herd" --server --config "$work/off.json" --log none >"$work/off.out" 2>&1 &
pids+=($!)
"$build/bin/herd" --server --config "$work/on.json" --log none --record "$work/run.jsonl" >"$work/on.out" 2>&1 &
pids+=($!)
for out in off on; do
    for _ in $(seq 100); do
        (($(grep -c ' up$' "$work/$out.out" || true) >= 10)) && break
        sleep 0.1
    done
done

for round in $(seq "$rounds"); do
    for which in off on; do
        from=$([[ $which == off ]] && echo 0 || echo 5)
        list=$(IFS=,; echo "${ports[*]:$from:5}")
        "$build/bin/herd-load" --port "$list" --connections "$connections" --duration "$duration" \
            --mix iamat=100 --clients 1000 --json "$work/$which.$round.json" >/dev/null
    done
done
kill "${pids[1]}"
wait "${pids[1]}" || true

python3 - "$work" "$rounds" <<'PY'
import json, os, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
rate = lambda name: json.load(open(os.path.join(work, name + ".json")))["load"]["throughput_per_s"]
off = [rate("off.%d" % r) for r in range(1, rounds + 1)]
on = [rate("on.%d" % r) for r in range(1, rounds + 1)]
ratios = [b / a for a, b in zip(off, on)]
path = os.path.join(work, "run.jsonl")
events = sum(1 for _ in open(path, "rb")) - 1
size = os.path.getsize(path)
print("IAMAT/s, 5 nodes, --log none: off %.0f, on %.0f (median of %d rounds); on/off ratio median %.2f, range %.2f-%.2f"
      % (statistics.median(off), statistics.median(on), rounds, statistics.median(ratios), min(ratios), max(ratios)))
print("recording: %d events, %.1f MB, %.0f bytes per event" % (events, size / 1e6, size / max(1, events)))
PY
