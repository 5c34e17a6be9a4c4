#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The monitor's cost (docs/monitor.md): IAMAT/s on three copies of the
# 5-node herd, side by side in one run: without a monitor, with `--monitor`
# and no reader (the counting alone), and with `--monitor` and one reader of
# its whole event stream (curl -N to /dev/null). All run with --log none, so
# the monitor's cost is not hidden under the logs'. Rounds take the three in
# turn; the table gives medians and the ratios taken within each round.
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

startWork monitor-cost

read -r -a ports <<<"$(freePorts 17)"
writeBenchHerd "$work/off.json" "bench: monitor off" "${ports[@]:0:5}"
writeBenchHerd "$work/count.json" "bench: monitor on" "${ports[@]:5:5}"
writeBenchHerd "$work/stream.json" "bench: monitor on, a reader" "${ports[@]:10:5}"
monitor=${ports[16]}
"$build/bin/herd" --server --config "$work/off.json" --log none >"$work/off.out" 2>&1 &
pids+=($!)
"$build/bin/herd" --server --config "$work/count.json" --log none --monitor "${ports[15]}" >"$work/count.out" 2>&1 &
pids+=($!)
"$build/bin/herd" --server --config "$work/stream.json" --log none --monitor "$monitor" >"$work/stream.out" 2>&1 &
pids+=($!)
for out in off count stream; do # every link of each herd up (10 directions)
    for _ in $(seq 100); do
        (($(grep -c ' up$' "$work/$out.out" || true) >= 10)) && break
        sleep 0.1
    done
done
curl -sN "http://127.0.0.1:$monitor/events" >/dev/null &
pids+=($!)

for round in $(seq "$rounds"); do
    for herd in off count stream; do
        case $herd in off) p=("${ports[@]:0:5}") ;; count) p=("${ports[@]:5:5}") ;; *) p=("${ports[@]:10:5}") ;; esac
        "$build/bin/herd-load" --json "$work/$herd.$round.json" --port "$(IFS=,; echo "${p[*]}")" \
            --connections "$connections" --duration "$duration" --mix iamat=100 --clients 1000 >&2
    done
done
metrics=$(curl -s "http://127.0.0.1:$monitor/metrics")
readers=$(awk '/^herd_monitor_stream_readers /{print $2}' <<<"$metrics")
dropped=$(awk '/^herd_monitor_stream_dropped_total /{print $2}' <<<"$metrics")
python3 - "$work" "$rounds" "$connections" "$duration" "$readers" "$dropped" <<'PY'
import json, os, statistics, sys
work, rounds, conns, duration, readers, dropped = sys.argv[1:]
def rates(name):
    def one(r):
        with open(os.path.join(work, "%s.%d.json" % (name, r))) as f:
            return json.load(f)["load"]["throughput_per_s"]
    return [one(r) for r in range(1, int(rounds) + 1)]
off = rates("off")
print("| herd IAMAT/s, 5 nodes, %s conns, %s s, --log none | median | range | ratio to off (range) |" % (conns, duration))
print("|---|---|---|---|")
for name, label in (("off", "no monitor"), ("count", "--monitor, no reader"), ("stream", "--monitor, one /events reader")):
    r = rates(name)
    ratios = [a / b for a, b in zip(r, off)]
    print("| %s | %.0f/s | %.0f-%.0f | %.2f (%.2f-%.2f) |" % (label, statistics.median(r), min(r), max(r),
          statistics.median(ratios), min(ratios), max(ratios)))
print()
print("%s rounds. After the run the reader was %s connected, %s dropped (it read every event)." % (
    rounds, "still" if readers == "1" else "NOT", dropped))
PY
