#!/usr/bin/env bash
# A local cluster anyone can start, on loopback, from Debian packages and the project's own Release binaries:
# a throwaway PostgreSQL, silos, gateways and nginx in front, each an ordinary process with a pid file and a log.
#
#   scripts/cluster.sh start                 PostgreSQL, silo1, silo2, gw1, gw2, nginx; waits until all are ready
#   scripts/cluster.sh status                every node: pid, alive, ready
#   scripts/cluster.sh kill silo1            SIGKILL one node (a crash)
#   scripts/cluster.sh start-node silo3      start another silo, or restart a killed node (silo<N>, gw<N>)
#   scripts/cluster.sh logs [node]           where the logs are, or the end of one node's log
#   scripts/cluster.sh stop                  SIGTERM everything it started (graceful drain), then PostgreSQL
#   scripts/cluster.sh clean                 stop, then delete the cluster directory (database included)
#
# Ports: silo<N> listens on SILO_PORT_BASE+N (silo to silo), SILO_GATEWAY_PORT_BASE+N (gateways, i.e. Orleans
# clients) and SILO_HTTP_BASE+N (health), gw<N> on
# GATEWAY_PORT_BASE+N, nginx on LB_PORT; nginx knows gw1 and gw2. Every variable below can be overridden, e.g.
# LB_PORT=9080 scripts/cluster.sh start. Binaries are built (Release) only when missing: rebuild after changes.
# SILOS=N: how many silos `start` starts (default 2; silo1..siloN). Any other setting reaches every node through the
# environment, which the nodes inherit (ASP.NET Core's Section__Key names), e.g.
# RateLimit__Send__PerSecond=100000 scripts/cluster.sh start.
# SILO_WRAPPER="CMD ARGS": each silo runs as CMD ARGS silo<N> <the silo's command line> (e.g. to start it inside a
# cgroup, as bench/scale.sh does); CMD must end by exec'ing that command line, so the pid file stays the silo's.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-/tmp/im-orleans-cluster}
CLUSTER_ID=${CLUSTER_ID:-im}
PG_PORT=${PG_PORT:-55432}
LB_PORT=${LB_PORT:-8080}
SILO_PORT_BASE=${SILO_PORT_BASE:-11110}
SILO_GATEWAY_PORT_BASE=${SILO_GATEWAY_PORT_BASE:-30000}
SILO_HTTP_BASE=${SILO_HTTP_BASE:-8080}
GATEWAY_PORT_BASE=${GATEWAY_PORT_BASE:-5000}
READY_TIMEOUT=${READY_TIMEOUT:-90}
STOP_TIMEOUT=${STOP_TIMEOUT:-40}
LOG_LEVEL=${LOG_LEVEL:-Information}
SILOS=${SILOS:-2}

silo_dll=${SILO_DLL:-$repo/src/Silo/bin/Release/net10.0/Im.Orleans.Silo.dll}
gateway_dll=${GATEWAY_DLL:-$repo/src/Gateway/bin/Release/net10.0/Im.Orleans.Gateway.dll}
run_dir=$CLUSTER_DIR/run
log_dir=$CLUSTER_DIR/logs
pg_dir=$CLUSTER_DIR/pg
connection_string="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=im;Timeout=15"

say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

as_postgres() {
    # The server refuses to run as root; as root, run its tools as the "postgres" user (from a directory it may enter).
    if [ "$(id -u)" -eq 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1; }

node_ports() { # name -> "http tcp gateway" (tcp and gateway empty for gateways)
    case "$1" in
        silo[0-9]*) echo "$((SILO_HTTP_BASE + ${1#silo})) $((SILO_PORT_BASE + ${1#silo})) $((SILO_GATEWAY_PORT_BASE + ${1#silo}))" ;;
        gw[0-9]*) echo "$((GATEWAY_PORT_BASE + ${1#gw}))" ;;
        nginx) echo "$LB_PORT" ;;
        *) die "unknown node '$1' (silo<N>, gw<N> or nginx)" ;;
    esac
}

# The pid of a node we started, if that process still runs the program we started (pids get reused).
live_pid() {
    local file=$run_dir/$1.pid pid
    [ -f "$file" ] || return 1
    pid=$(cat "$file")
    [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -e Im.Orleans -e nginx || return 1
    echo "$pid"
}

ready_url() {
    local http
    read -r http _ <<< "$(node_ports "$1")"
    if [ "$1" = nginx ]; then echo "http://127.0.0.1:$http/lb/health"; else echo "http://127.0.0.1:$http/health/ready"; fi
}

wait_ready() {
    local name=$1 url deadline
    url=$(ready_url "$name")
    deadline=$((SECONDS + READY_TIMEOUT))
    until curl -fsS -o /dev/null --max-time 2 "$url" 2> /dev/null; do
        if ! live_pid "$name" > /dev/null; then
            tail -n 30 "$log_dir/$name.log" >&2 || true
            die "$name exited before it was ready (log: $log_dir/$name.log)"
        fi
        [ "$SECONDS" -lt "$deadline" ] || die "$name not ready at $url within ${READY_TIMEOUT}s (log: $log_dir/$name.log)"
        sleep 0.5
    done
    say "$name ready ($url)"
}

ensure_binaries() {
    if [ ! -f "$silo_dll" ] || [ ! -f "$gateway_dll" ]; then
        say "building the silo and the gateway (Release)"
        dotnet build "$repo/src/Silo/Silo.csproj" -c Release -nologo -v quiet
        dotnet build "$repo/src/Gateway/Gateway.csproj" -c Release -nologo -v quiet
    fi
}

# Starts a program detached in its own session, so a Ctrl-C in this shell or its exit does not reach it.
spawn() {
    local name=$1; shift
    if live_pid "$name" > /dev/null; then die "$name is already running (pid $(live_pid "$name"))"; fi
    echo "--- $(date -u +%FT%TZ) $*" >> "$log_dir/$name.log"
    setsid "$@" >> "$log_dir/$name.log" 2>&1 < /dev/null &
    echo $! > "$run_dir/$name.pid"
}

start_postgres() {
    "$repo/scripts/ensure-postgres.sh" > /dev/null
    local bin
    bin=$(pg_bin)
    if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
        say "creating a PostgreSQL data directory in $pg_dir"
        mkdir -p "$pg_dir"
        [ "$(id -u)" -ne 0 ] || chown postgres "$pg_dir"
        as_postgres "$bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C --no-instructions > /dev/null
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$pg_dir/data" status > /dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
            -o "-h 127.0.0.1 -p $PG_PORT -k $pg_dir -c max_connections=300" start > /dev/null
    fi
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'im'" |
        grep -q 1 || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres im
    say "PostgreSQL ready on 127.0.0.1:$PG_PORT (log: $pg_dir/server.log)"
}

stop_postgres() {
    local bin
    bin=$(pg_bin)
    [ -n "$bin" ] && [ -f "$pg_dir/data/postmaster.pid" ] || return 0
    as_postgres "$bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop > /dev/null && say "PostgreSQL stopped"
}

signing_key() {
    # One key for every gateway, so a token minted by one is accepted by the other; kept across restarts.
    [ -s "$CLUSTER_DIR/signing.key" ] || (umask 077 && head -c 32 /dev/urandom | base64 > "$CLUSTER_DIR/signing.key")
    cat "$CLUSTER_DIR/signing.key"
}

start_node() {
    local name=$1 http tcp gateway
    read -r http tcp gateway <<< "$(node_ports "$name")"
    case "$name" in
        silo*)
            # shellcheck disable=SC2086 # SILO_WRAPPER is a command line: split into words on purpose.
            spawn "$name" ${SILO_WRAPPER:+$SILO_WRAPPER "$name"} env Cluster__ConnectionString="$connection_string" Cluster__ClusterId="$CLUSTER_ID" \
                Cluster__Port="$tcp" Cluster__GatewayPort="$gateway" Cluster__AdvertisedHost=127.0.0.1 Cluster__ListenHost=127.0.0.1 \
                Logging__LogLevel__Default="$LOG_LEVEL" \
                dotnet "$silo_dll" --urls "http://127.0.0.1:$http"
            ;;
        gw*)
            mkdir -p "$CLUSTER_DIR/$name"
            spawn "$name" env Cluster__ConnectionString="$connection_string" Cluster__ClusterId="$CLUSTER_ID" \
                Storage__Postgres__ConnectionString="$connection_string" Auth__SigningKey="$(signing_key)" \
                Gateway__Name="$name" Data__Directory="$CLUSTER_DIR/$name/data" Logging__LogLevel__Default="$LOG_LEVEL" \
                dotnet "$gateway_dll" --urls "http://127.0.0.1:$http"
            ;;
        nginx)
            local nginx
            nginx=$("$repo/scripts/ensure-nginx.sh" | tail -n 1)
            # Workers run as "nobody" when the master is root: they need to enter the prefix for the temp paths.
            mkdir -p "$CLUSTER_DIR/nginx" && chmod 755 "$CLUSTER_DIR" "$CLUSTER_DIR/nginx"
            LISTEN_PORT="127.0.0.1:$LB_PORT" GATEWAY_1="127.0.0.1:$(node_ports gw1)" GATEWAY_2="127.0.0.1:$(node_ports gw2)" \
                envsubst '${LISTEN_PORT} ${GATEWAY_1} ${GATEWAY_2}' < "$repo/docker/nginx.conf.template" > "$CLUSTER_DIR/nginx/nginx.conf"
            "$nginx" -t -q -p "$CLUSTER_DIR/nginx/" -c "$CLUSTER_DIR/nginx/nginx.conf" -e stderr
            spawn nginx "$nginx" -p "$CLUSTER_DIR/nginx/" -c "$CLUSTER_DIR/nginx/nginx.conf" -e stderr -g 'daemon off;'
            ;;
    esac
}

stop_node() {
    local name=$1 pid deadline
    pid=$(live_pid "$name") || { rm -f "$run_dir/$name.pid"; return 0; }
    kill -TERM "$pid"
    # Silos drain on SIGTERM (finish turns, deactivate grains, leave the cluster): give them their shutdown timeout.
    deadline=$((SECONDS + STOP_TIMEOUT))
    while kill -0 "$pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2> /dev/null; then
        say "$name did not stop within ${STOP_TIMEOUT}s: SIGKILL"
        kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$run_dir/$name.pid"
    say "$name stopped"
}

known_nodes() { # every node with a pid file, nginx first, then gateways, then silos (the stop order)
    local kind file
    for kind in nginx 'gw*' 'silo*'; do
        for file in "$run_dir"/$kind.pid; do [ -f "$file" ] && basename "$file" .pid; done
    done
    return 0
}

cmd_start() {
    mkdir -p "$run_dir" "$log_dir"
    command -v curl > /dev/null || die "curl is needed to wait for readiness"
    ensure_binaries
    start_postgres
    # silo1 alone first: it creates the schema; the rest start side by side.
    live_pid silo1 > /dev/null || { start_node silo1; wait_ready silo1; }
    local n
    for n in $(seq 2 "$SILOS"); do live_pid "silo$n" > /dev/null || { start_node "silo$n"; wait_ready "silo$n"; }; done
    local gw
    for gw in gw1 gw2; do live_pid "$gw" > /dev/null || start_node "$gw"; done
    for gw in gw1 gw2; do wait_ready "$gw"; done
    live_pid nginx > /dev/null || start_node nginx
    wait_ready nginx
    cat << EOF

Cluster "$CLUSTER_ID" is up:
  chat (through nginx)   http://127.0.0.1:$LB_PORT/
  gateways               gw1 http://127.0.0.1:$(node_ports gw1)/   gw2 http://127.0.0.1:$(node_ports gw2)/
  silo health            $(for n in $(seq 1 "$SILOS"); do printf 'silo%s %s   ' "$n" "$(ready_url "silo$n")"; done)
  PostgreSQL             $connection_string
  logs                   $log_dir/ (and $pg_dir/server.log); scripts/cluster.sh logs NODE
  stop                   scripts/cluster.sh stop
EOF
}

cmd_status() {
    local name pid state
    [ -d "$run_dir" ] || { say "not started ($CLUSTER_DIR)"; return 0; }
    printf '%-8s %-8s %-6s %s\n' NODE PID STATE URL
    for name in $(known_nodes); do
        if pid=$(live_pid "$name"); then
            if curl -fsS -o /dev/null --max-time 2 "$(ready_url "$name")" 2> /dev/null; then state=ready; else state=up; fi
        else
            pid=-; state=dead
        fi
        printf '%-8s %-8s %-6s %s\n' "$name" "$pid" "$state" "$(ready_url "$name")"
    done
    if as_postgres "$(pg_bin)/pg_ctl" -D "$pg_dir/data" status > /dev/null 2>&1; then state=up; else state=down; fi
    printf '%-8s %-8s %-6s %s\n' postgres - "$state" "127.0.0.1:$PG_PORT"
}

cmd_stop() {
    local name
    if [ -d "$run_dir" ]; then for name in $(known_nodes); do stop_node "$name"; done; fi
    stop_postgres
}

cmd_kill() {
    local name=${1:?usage: cluster.sh kill NODE} pid
    pid=$(live_pid "$name") || die "$name is not running"
    kill -KILL "$pid"
    say "$name killed (SIGKILL, pid $pid)"
}

cmd_start_node() {
    local name=${1:?usage: cluster.sh start-node NODE}
    node_ports "$name" > /dev/null
    mkdir -p "$run_dir" "$log_dir"
    ensure_binaries
    as_postgres "$(pg_bin)/pg_ctl" -D "$pg_dir/data" status > /dev/null 2>&1 || die "PostgreSQL is not running: scripts/cluster.sh start"
    start_node "$name"
    wait_ready "$name"
    if [[ "$name" == gw* && ! "$name" =~ ^gw[12]$ ]]; then say "note: nginx routes only to gw1 and gw2; reach $name directly"; fi
}

cmd_logs() {
    if [ $# -eq 0 ]; then
        say "logs in $log_dir (PostgreSQL: $pg_dir/server.log)"
        ls -l "$log_dir" 2> /dev/null || true
    else
        local file=$log_dir/$1.log
        [ "$1" = postgres ] && file=$pg_dir/server.log
        [ -f "$file" ] || die "no log for $1"
        tail -n "${LINES:-60}" "$file"
    fi
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    kill) shift; cmd_kill "$@" ;;
    start-node) shift; cmd_start_node "$@" ;;
    logs) shift; cmd_logs "$@" ;;
    clean) cmd_stop; rm -rf "$CLUSTER_DIR"; say "removed $CLUSTER_DIR" ;;
    *) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ] && exit 2 || exit 0 ;;
esac
