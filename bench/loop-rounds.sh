#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The herd's event loop side by side: two builds of `herd` (say the last
# stop's and this one), alternating round after round in one run, each
# serving the 5-node bench herd under herd-load for DURATION seconds.
# Prints, per build, IAMAT/s and the CPU time its busiest thread (the event
# loop) spent per IAMAT in user space and in the kernel, read from
# /proc/<pid>/task/<tid>/stat before and after the load: on a shared
# machine these move less than the rates do. Medians and ranges over the
# rounds, and after / before, as Markdown rows for bench/README.md.
# Usage: bench/loop-rounds.sh BEFORE/herd AFTER/herd [-- HERD_ARGS...]
#   env: ROUNDS=3 DURATION=5 CONNECTIONS=100 LOAD=build/bin/herd-load
#   e.g. bench/loop-rounds.sh /tmp/old/build/bin/herd build/bin/herd -- --log none
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/benchherd.sh
source "$here/benchherd.sh"
[[ $# -ge 2 && -x $1 && -x $2 ]] || { echo "usage: $0 BEFORE/herd AFTER/herd [-- HERD_ARGS...]" >&2; exit 2; }
before=$1
after=$2
shift 2
[[ ${1:-} == -- ]] && shift
herdArgs=("$@")
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-100}
load=${LOAD:-$(dirname "$here")/build/bin/herd-load}
[[ -x $load ]] || { echo "loop-rounds: no $load (build herd-load, or set LOAD)" >&2; exit 2; }

startWork loop-rounds
results=$work/results.txt

# ticks: per thread of $1, "tid utime stime" in clock ticks.
ticks() {
    for task in /proc/"$1"/task/*; do
        echo "$(basename "$task") $(cut -d' ' -f14,15 "$task/stat")"
    done
}

# One build, one round: appends "build iamat_per_s user_us_per_iamat system_us_per_iamat".
measure() {
    local name=$1 bin=$2 ports logs
    read -r -a ports <<<"$(freePorts 5)"
    writeBenchHerd "$work/herd.json" "loop-rounds" "${ports[@]}"
    logs=$(mktemp -d "$work/logs.XXXXXX")
    "$bin" --server --config "$work/herd.json" --log-dir "$logs" "${herdArgs[@]}" >"$work/herd.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do
        (($(grep -c ' up$' "$work/herd.out" || true) >= 10)) && break
        sleep 0.1
    done
    (($(grep -c ' up$' "$work/herd.out" || true) >= 10)) || { cat "$work/herd.out" >&2; echo "loop-rounds: links did not come up" >&2; exit 1; }
    ticks "$pid" >"$work/before.ticks"
    "$load" --port "$(IFS=,; echo "${ports[*]}")" --connections "$connections" --duration "$duration" \
        --mix iamat=100 --clients 1000 >"$work/load.out"
    ticks "$pid" >"$work/after.ticks"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$logs"
    local rate
    rate=$(awk '/throughput:/ {print $2}' "$work/load.out")
    # The event loop is the thread that used the most CPU over the load.
    join "$work/before.ticks" "$work/after.ticks" | awk -v name="$name" -v rate="$rate" \
        -v seconds="$duration" -v hz="$(getconf CLK_TCK)" '
        { usr = $4 - $2; sys = $5 - $3; if (usr + sys > best) { best = usr + sys; u = usr; s = sys } }
        END { n = rate * seconds; printf "%s %s %.2f %.2f\n", name, rate, u / hz * 1e6 / n, s / hz * 1e6 / n }' \
        >>"$results"
}

for ((round = 1; round <= rounds; ++round)); do
    measure before "$before"
    measure after "$after"
    echo "loop-rounds: round $round of $rounds done" >&2
done

python3 - "$results" <<'PY'
import statistics, sys
runs = {"before": [], "after": []}
for line in open(sys.argv[1]):
    name, rate, user, system = line.split()
    runs[name].append((float(rate), float(user), float(system)))
def cell(values, fmt):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"
print("| build | IAMAT/s | event loop user us per IAMAT | event loop system us per IAMAT |")
print("|---|---|---|---|")
for name in ("before", "after"):
    rates, users, systems = zip(*runs[name])
    print(f"| {name} | {cell(rates, '{:,.0f}')} | {cell(users, '{:.1f}')} | {cell(systems, '{:.1f}')} |")
ratio = [statistics.median([r[i] for r in runs["after"]]) / statistics.median([r[i] for r in runs["before"]]) for i in range(3)]
print(f"| after / before, medians | {ratio[0]:.2f} | {ratio[1]:.2f} | {ratio[2]:.2f} |")
PY
