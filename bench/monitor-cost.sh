#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The monitor's cost (docs/monitor.md): IAMAT/s on two copies of the 5-node
# herd, side by side in one run, one with `--monitor` and one reader of its
# whole event stream (curl -N), the other without. Both run with --log none,
# so the monitor's cost is not hidden under the logs'. Rounds alternate the
# two; the table gives medians and the ratio taken within each round.
# Usage: bench/monitor-cost.sh [BUILD_DIR]   env: ROUNDS=5 DURATION=3 CONNECTIONS=100
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/benchherd.sh
source "$here/benchherd.sh"
build=${1:-$(dirname "$here")/build}
rounds=${ROUNDS:-5}
duration=${DURATION:-3}
connections=${CONNECTIONS:-100}
for tool in herd herd-load; do
    [[ -x $build/bin/$tool ]] || { echo "monitor-cost: build $tool first (cmake --build build --target herd herd-load)"; exit 2; }
done

work=$(mktemp -d /tmp/herd-monitor-cost.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

read -r -a ports <<<"$(freePorts 11)"
writeBenchHerd "$work/on.json" "bench: monitor on" "${ports[@]:0:5}"
writeBenchHerd "$work/off.json" "bench: monitor off" "${ports[@]:5:5}"
monitor=${ports[10]}
"$build/bin/herd" --server --config "$work/on.json" --log none --monitor "$monitor" >"$work/on.out" 2>&1 &
pids+=($!)
"$build/bin/herd" --server --config "$work/off.json" --log none >"$work/off.out" 2>&1 &
pids+=($!)
for out in on off; do # every link of each herd up (10 directions)
    for _ in $(seq 100); do
        (($(grep -c ' up$' "$work/$out.out" || true) >= 10)) && break
        sleep 0.1
    done
done
curl -sN "http://127.0.0.1:$monitor/events" >"$work/stream.out" &
pids+=($!)

for round in $(seq "$rounds"); do
    for herd in on off; do
        [[ $herd == on ]] && p=("${ports[@]:0:5}") || p=("${ports[@]:5:5}")
        "$build/bin/herd-load" --json "$work/$herd.$round.json" --port "$(IFS=,; echo "${p[*]}")" \
            --connections "$connections" --duration "$duration" --mix iamat=100 --clients 1000 >&2
    done
done
metrics=$(curl -s "http://127.0.0.1:$monitor/metrics")
readers=$(awk '/^herd_monitor_stream_readers /{print $2}' <<<"$metrics")
dropped=$(awk '/^herd_monitor_stream_dropped_total /{print $2}' <<<"$metrics")
python3 - "$work" "$rounds" "$connections" "$duration" "$readers" "$dropped" "$(wc -c <"$work/stream.out")" <<'PY'
import json, os, statistics, sys
work, rounds, conns, duration, readers, dropped, streamed = sys.argv[1:]
def rate(name, r):
    with open(os.path.join(work, "%s.%d.json" % (name, r))) as f:
        return json.load(f)["load"]["throughput_per_s"]
on = [rate("on", r) for r in range(1, int(rounds) + 1)]
off = [rate("off", r) for r in range(1, int(rounds) + 1)]
ratios = [a / b for a, b in zip(on, off)]
print("| herd IAMAT/s, 5 nodes, %s conns, %s s, --log none | median | range |" % (conns, duration))
print("|---|---|---|")
print("| monitor off | %.0f/s | %.0f-%.0f |" % (statistics.median(off), min(off), max(off)))
print("| monitor on, one /events reader | %.0f/s | %.0f-%.0f |" % (statistics.median(on), min(on), max(on)))
print("| ratio on/off (within a round) | %.2f | %.2f-%.2f |" % (statistics.median(ratios), min(ratios), max(ratios)))
print()
print("%s rounds. After the run: %s reader(s) connected, %s dropped; the reader took %.1f MB of events." % (
    rounds, readers, dropped, int(streamed) / 1e6))
PY
