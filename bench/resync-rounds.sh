#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# herd-resync side by side: two builds (say main's and this one), each at
# several differences, round after round in one run; prints the medians and
# ranges of bytes and time to agree after a heal, and after a restart from
# empty, as Markdown rows for bench/README.md.
# Usage: bench/resync-rounds.sh BEFORE_BIN AFTER_BIN
#   env: ROUNDS=3 CLIENTS=100000 DIFFERS="10 1000 100000"
set -euo pipefail
[[ $# -eq 2 && -x $1 && -x $2 ]] || { echo "usage: $0 BEFORE/herd-resync AFTER/herd-resync" >&2; exit 2; }
rounds=${ROUNDS:-3}
clients=${CLIENTS:-100000}
read -r -a differs <<<"${DIFFERS:-10 1000 100000}"
out=$(mktemp /tmp/herd-resync-rounds.XXXXXX)
trap 'rm -f "$out"' EXIT
for ((round = 1; round <= rounds; ++round)); do
    for differ in "${differs[@]}"; do
        for build in before after; do
            bin=$1
            [[ $build == after ]] && bin=$2
            echo "== $build $differ" >>"$out"
            "$bin" --clients "$clients" --differ "$differ" >>"$out"
        done
    done
done
python3 - "$out" "$rounds" <<'PY'
import re, statistics, sys
runs = {}
key = None
for line in open(sys.argv[1]):
    if line.startswith("== "):
        key = tuple(line.split()[1:3]); runs.setdefault(key, [])
        continue
    m = re.search(r"restored: agree in (-?\d+) ms; SYNC lines \d+ \(([\d.]+) KB\), records sent \d+ \(([\d.]+) KB\)", line)
    if m:
        runs[key].append({"heal ms": int(m[1]), "heal KB": float(m[2]) + float(m[3])})
    m = re.search(r"restarts empty: agree in (-?\d+) ms; SYNC lines \d+ \(([\d.]+) KB\), records sent \d+ \(([\d.]+) MB\)", line)
    if m:
        runs[key][-1].update({"restart ms": int(m[1]), "restart KB": float(m[2]) + 1000 * float(m[3])})
def cell(values, unit):
    return f"{statistics.median(values):.0f} {unit} ({min(values):.0f}-{max(values):.0f})"
print(f"| differing | build | heal: bytes | heal: time | restart from empty: bytes | restart: time |  ({sys.argv[2]} rounds, median (range))")
print("|---|---|---|---|---|---|")
for (build, differ) in sorted(runs, key=lambda k: (int(k[1]), k[0] != "before")):
    r = runs[(build, differ)]
    print(f"| {differ} | {build} | {cell([x['heal KB'] for x in r], 'KB')} | {cell([x['heal ms'] for x in r], 'ms')} "
          f"| {cell([x['restart KB'] for x in r], 'KB')} | {cell([x['restart ms'] for x in r], 'ms')} |")
PY
