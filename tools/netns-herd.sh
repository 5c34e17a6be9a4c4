#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A five-node herd across Linux network namespaces: each node of the default
# herd (alford) in a namespace of its own, joined to a bridge in the root
# namespace by a veth pair, so a partition is made in the kernel (a link set
# down), not by a Herd fault. See docs/deploy.md, "A herd across namespaces".
set -euo pipefail

usage()
{
    cat <<'EOF'
usage: netns-herd.sh COMMAND [--dir DIR] [options]

  up [--herd BIN] [--herd-file OUT] [--keep]
          make five namespaces (herd-<pid>-<node>), a bridge and veth pairs on a
          free /24 of 198.18.0.0/15 (the bridge .1, the nodes .11 to .15), write
          the herd file and start `herd --server --node X --monitor ADDR:9100` in
          each namespace. Prints the herd file and the monitor URLs. Without
          --keep it runs until interrupted, then takes everything down; with
          --keep it returns and leaves the herd running, to be watched with
          `HERD_MONITOR_TOKEN=$(cat DIR/token) herd --attach DIR/herd.json`
  cut NODE    set NODE's veth down: its neighbours stop hearing it
  mend NODE   set it up again
  status      the herd file, monitors and links of a running herd
  send NODE LINE  send a client's LINE to NODE from inside its namespace (so
              even a cut node), print the first line of the answer
  get NODE PATH   GET PATH (/state, /metrics) of NODE's monitor from inside
              its namespace, with the token
  down        stop the nodes and delete the namespaces, veths and bridge
              (safe to run twice, or on a half-made herd)

  --dir DIR       where the run keeps its state, herd file, token and logs
                  (default /run/herd-netns); one herd per DIR
  --herd BIN      the herd executable (default: build/bin/herd next to this
                  script, else herd on PATH)
  --herd-file OUT also write the herd file to OUT

Needs root (CAP_NET_ADMIN) and iproute2's ip. Exit status 2: bad usage or
something missing; 1: a step failed (everything made so far is taken down).
EOF
}

die()
{
    echo "netns-herd: $2" >&2
    exit "$1"
}

# The default herd's names and links (resources/herds/alford.json).
NODES=(Alford Bolden Hamilton Parker Powell)
LINKS=("Alford Parker" "Alford Powell" "Bolden Parker" "Bolden Powell" "Hamilton Parker")
NODE_PORT=13000
MONITOR_PORT=9100

DIR=/run/herd-netns
HERD_BIN=
HERD_FILE_OUT=
KEEP=0

command=${1:-}
[[ -n $command ]] || {
    usage >&2
    exit 2
}
shift
case $command in
-h | --help | help)
    usage
    exit 0
    ;;
up | down | status) node= ;;
cut | mend | send | get)
    node=${1:-}
    [[ -n $node ]] || die 2 "$command needs a node: one of ${NODES[*]}"
    shift
    if [[ $command == send || $command == get ]]; then
        what=${1:-}
        [[ -n $what ]] || die 2 "$command $node needs a line (send) or a path (get)"
        shift
    fi
    ;;
*) die 2 "unknown command \"$command\" (try --help)" ;;
esac
while (($#)); do
    case $1 in
    --dir) DIR=${2:?--dir needs a folder} && shift ;;
    --herd) HERD_BIN=${2:?--herd needs a path} && shift ;;
    --herd-file) HERD_FILE_OUT=${2:?--herd-file needs a path} && shift ;;
    --keep) KEEP=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die 2 "unknown option \"$1\" (try --help)" ;;
    esac
    shift
done

STATE=$DIR/state

require_root()
{
    command -v ip >/dev/null || die 2 "iproute2's ip is missing (apt-get install iproute2)"
    [[ $(id -u) == 0 ]] || die 2 "needs root: network namespaces need CAP_NET_ADMIN (run with sudo)"
    local probe=herd-probe-$$
    ip netns add "$probe" 2>/dev/null || die 2 "cannot make a network namespace (no CAP_NET_ADMIN here?)"
    ip netns del "$probe"
}

# The state file lists what a run made, a line each as it is made, so down
# can undo a half-made run: "ns NAME", "veth NAME", "bridge NAME", "pid PID".
remember()
{
    echo "$*" >>"$STATE"
}

state_of()
{
    [[ -f $STATE ]] && awk -v kind="$1" '$1 == kind { print $2 }' "$STATE"
}

value_of()
{
    state_of "$1" | head -n 1
}

# The recorded node processes still running in this run's namespaces (a
# number reused by someone else's process since is left alone).
our_pids()
{
    local pid ns
    for pid in $(state_of pid); do
        ns=$(ip netns identify "$pid" 2>/dev/null) || continue
        state_of ns | grep -qxF "$ns" && echo "$pid"
    done
    return 0
}

down()
{
    [[ -f $STATE ]] || return 0
    local pids
    mapfile -t pids < <(our_pids)
    ((${#pids[@]} == 0)) || kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
        ((${#pids[@]})) || break
        sleep 0.1
        mapfile -t pids < <(our_pids)
    done
    ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
    local name
    for name in $(state_of veth); do
        ip link del "$name" 2>/dev/null || true
    done
    for name in $(state_of bridge); do
        ip link del "$name" 2>/dev/null || true
    done
    for name in $(state_of ns); do
        ip netns del "$name" 2>/dev/null || true
    done
    # Only what up wrote: DIR may be a folder of the user's.
    rm -rf "$DIR/logs"
    rm -f "$DIR/herd.json" "$DIR/token" "$DIR/auth-header" "$STATE"
    rmdir "$DIR" 2>/dev/null || true
}

# The first /24 of 198.18.0.0/15 that no interface of the root namespace
# uses, as "198.18.N" or "198.19.N"; called under the lock.
free_subnet()
{
    local used k prefix
    used=$(ip -4 -o addr show | awk '{ print $4 }')
    for ((k = 0; k < 512; ++k)); do
        prefix=198.$((18 + k / 256)).$((k % 256))
        grep -q "^${prefix//./\\.}\." <<<"$used" || {
            echo "$prefix"
            return 0
        }
    done
    return 1
}

node_index()
{
    local i
    for i in "${!NODES[@]}"; do
        [[ ${NODES[$i]} == "$1" ]] && {
            echo "$i"
            return 0
        }
    done
    die 2 "unknown node \"$1\" (one of ${NODES[*]})"
}

write_herd_file()
{
    local prefix=$1 out=$2 i sep=
    {
        echo '{'
        echo '  "name": "Alford herd across network namespaces",'
        echo '  "nodes": {'
        for i in "${!NODES[@]}"; do
            local address=$prefix.$((11 + i))
            printf '%s    "%s": {"host": "%s", "port": %d, "monitor": "%s:%d"}' \
                "$sep" "${NODES[$i]}" "$address" "$NODE_PORT" "$address" "$MONITOR_PORT"
            sep=$',\n'
        done
        printf '\n  },\n  "links": [\n'
        sep=
        for i in "${!LINKS[@]}"; do
            read -r a b <<<"${LINKS[$i]}"
            printf '%s    ["%s", "%s"]' "$sep" "$a" "$b"
            sep=$',\n'
        done
        printf '\n  ],\n'
        echo '  "places": {"source": "offline"},'
        # Reconnect soon after a mend; compare often, so a mended herd agrees fast.
        echo '  "reconnect": {"initialMs": 100, "maxMs": 1000},'
        echo '  "antiEntropyMs": 1000,'
        echo '  "monitor": {"tokenEnv": "HERD_MONITOR_TOKEN"}'
        echo '}'
    } >"$out"
}

# Waits (bounded) until every node's monitor accepts a connection; fails
# naming the node whose process died or never listened.
wait_for_monitors()
{
    local i
    for i in "${!NODES[@]}"; do
        local address pid ready=0
        address=$(value_of prefix).$((11 + i))
        pid=$(state_of pid | sed -n "$((i + 1))p")
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            if timeout 1 bash -c "exec 3<>/dev/tcp/$address/$MONITOR_PORT" 2>/dev/null; then
                ready=1
                break
            fi
            sleep 0.1
        done
        ((ready)) || {
            tail -n 5 "$DIR/logs/${NODES[$i]}.out" >&2 || true
            die 1 "${NODES[$i]} did not start its monitor on $address:$MONITOR_PORT"
        }
    done
}

print_status()
{
    local prefix i
    prefix=$(value_of prefix)
    echo "herd file: $DIR/herd.json"
    echo "token:     $DIR/token (HERD_MONITOR_TOKEN)"
    for i in "${!NODES[@]}"; do
        local veth state
        veth=$(state_of veth | sed -n "$((i + 1))p")
        state=$(cat "/sys/class/net/$veth/operstate" 2>/dev/null || echo gone)
        printf 'monitor:   %-8s http://%s.%d:%d  (veth %s: %s)\n' \
            "${NODES[$i]}" "$prefix" $((11 + i)) "$MONITOR_PORT" "$veth" "$state"
    done
}

up()
{
    require_root
    [[ ! -e $STATE ]] || die 2 "$DIR already holds a herd: run down first, or pick another --dir"
    if [[ -z $HERD_BIN ]]; then
        HERD_BIN=$(dirname "$(readlink -f "$0")")/../build/bin/herd
        [[ -x $HERD_BIN ]] || HERD_BIN=$(command -v herd || true)
    fi
    [[ -n $HERD_BIN && -x $HERD_BIN ]] || die 2 "no herd executable (build it, or give --herd BIN)"
    HERD_BIN=$(readlink -f "$HERD_BIN")

    mkdir -p "$DIR/logs"
    : >"$STATE"
    trap 'down' EXIT
    trap 'exit 1' INT TERM HUP
    # Whoever reads our output may be gone (a test that died): a write must
    # not kill the script before down has run.
    trap '' PIPE

    local id=$$ prefix
    # Two runs at once must not pick the same /24.
    local lock=/run/lock
    [[ -d $lock ]] || lock=/tmp
    exec 9>"$lock/herd-netns.lock"
    flock -w 10 9 || die 1 "another netns-herd.sh holds $lock/herd-netns.lock"
    prefix=$(free_subnet) || die 1 "no free /24 left in 198.18.0.0/15"
    remember prefix "$prefix"
    local bridge=hb$id
    ip link add "$bridge" type bridge
    remember bridge "$bridge"
    ip addr add "$prefix.1/24" dev "$bridge"
    ip link set "$bridge" up
    flock -u 9
    exec 9>&-

    umask 077
    head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$DIR/token"
    printf 'Authorization: Bearer %s' "$(cat "$DIR/token")" >"$DIR/auth-header"
    umask 022
    write_herd_file "$prefix" "$DIR/herd.json"
    [[ -z $HERD_FILE_OUT ]] || cp "$DIR/herd.json" "$HERD_FILE_OUT"

    local i
    for i in "${!NODES[@]}"; do
        local name=${NODES[$i]} ns=herd-$id-${NODES[$i]} veth=hv$id-$i
        ip netns add "$ns"
        remember ns "$ns"
        ip link add "$veth" type veth peer name eth0 netns "$ns"
        remember veth "$veth"
        ip link set "$veth" master "$bridge" up
        ip -n "$ns" link set lo up
        ip -n "$ns" addr add "$prefix.$((11 + i))/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
    for i in "${!NODES[@]}"; do
        local name=${NODES[$i]}
        HERD_MONITOR_TOKEN=$(cat "$DIR/token") ip netns exec "herd-$id-$name" \
            "$HERD_BIN" --server --config "$DIR/herd.json" --node "$name" \
            --monitor "$prefix.$((11 + i)):$MONITOR_PORT" --log-dir "$DIR/logs" \
            >"$DIR/logs/$name.out" 2>&1 </dev/null &
        remember pid "$!"
    done
    wait_for_monitors
    print_status
    if ((KEEP)); then
        trap - EXIT INT TERM HUP
        echo "left running: watch it with"
        echo "  HERD_MONITOR_TOKEN=\$(cat $DIR/token) herd --attach $DIR/herd.json"
        echo "and take it down with: $0 down --dir $DIR"
        return 0
    fi
    echo "running until interrupted (Ctrl-C takes it down)"
    wait
}

set_link()
{
    require_root
    [[ -f $STATE ]] || die 2 "no herd is up in $DIR"
    local veth
    veth=$(state_of veth | sed -n "$(($(node_index "$node") + 1))p")
    [[ -n $veth ]] || die 1 "$node has no veth in $DIR/state"
    ip link set "$veth" "$1"
    echo "$node: veth $veth $1"
}

# Runs "$@" in NODE's namespace; prints to stdout what it answers.
in_node()
{
    require_root
    [[ -f $STATE ]] || die 2 "no herd is up in $DIR"
    local i
    i=$(node_index "$node")
    ip netns exec "$(state_of ns | sed -n "$((i + 1))p")" "$@"
}

# GET PATH from ADDRESS:PORT with the header in HEADER_FILE, printing the
# body of a 200 answer: HTTP by hand, so nothing beyond bash is needed, and
# the token is read from its file, never put on a command line. The monitor
# keeps the connection open, so the body is read by its Content-Length.
http_get()
{
    local address=$1 port=$2 path=$3 header_file=$4 line status length=0
    exec 3<>"/dev/tcp/$address/$port"
    printf 'GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n\r\n' "$path" "$address" "$(<"$header_file")" >&3
    IFS= read -r status <&3
    while IFS= read -r line <&3; do
        line=${line%$'\r'}
        [[ -n $line ]] || break
        [[ ${line,,} != content-length:* ]] || length=${line#*: }
    done
    head -c "$length" <&3
    [[ $status == "HTTP/1.1 200 "* ]] || {
        echo "$path: ${status%$'\r'}" >&2
        return 1
    }
}

node_address()
{
    echo "$(value_of prefix).$((11 + $(node_index "$node")))"
}

case $command in
up) up ;;
send)
    # shellcheck disable=SC2016 # expanded by the inner bash
    in_node timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "%s\n" "$3" >&3 && head -n 1 <&3' \
        send "$(node_address)" "$NODE_PORT" "$what"
    ;;
get)
    export -f http_get
    # shellcheck disable=SC2016 # expanded by the inner bash
    in_node timeout 5 bash -c 'http_get "$@"' get "$(node_address)" "$MONITOR_PORT" "$what" "$DIR/auth-header"
    ;;
down) down ;;
status)
    [[ -f $STATE ]] || die 2 "no herd is up in $DIR"
    print_status
    ;;
cut) set_link down ;;
mend) set_link up ;;
esac
