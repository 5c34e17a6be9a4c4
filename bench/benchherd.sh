# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the scripts in bench/ (sourced, not run).

# freePorts N: N loopback ports the kernel picked and released, on one line.
freePorts() {
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# writeBenchHerd FILE NAME PORT1..PORT5: the CS 131 five (Alford, Bolden,
# Hamilton, Parker, Powell) on those loopback ports, offline places.
# Hamilton to Powell is 3 hops, the herd's diameter.
writeBenchHerd() {
    cat >"$1" <<JSON
{
  "name": "$2",
  "nodes": {
    "Alford":   {"host": "127.0.0.1", "port": $3},
    "Bolden":   {"host": "127.0.0.1", "port": $4},
    "Hamilton": {"host": "127.0.0.1", "port": $5},
    "Parker":   {"host": "127.0.0.1", "port": $6},
    "Powell":   {"host": "127.0.0.1", "port": $7}
  },
  "links": [["Alford", "Parker"], ["Alford", "Powell"], ["Bolden", "Parker"],
            ["Bolden", "Powell"], ["Hamilton", "Parker"]],
  "places": {"source": "offline"}
}
JSON
}

# startWork NAME: a fresh folder /tmp/herd-NAME.XXXXXX in $work, and an
# empty $pids; on exit (or INT, TERM) every process in $pids is killed and
# waited for, and the folder removed.
startWork() {
    work=$(mktemp -d "/tmp/herd-$1.XXXXXX")
    pids=()
    trap stopWork EXIT INT TERM
}

stopWork() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
