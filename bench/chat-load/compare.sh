#!/usr/bin/env bash
# Side-by-side group-chat benchmark of two builds of the gateway, with load.js at the same offered rates.
#
#   bench/chat-load/compare.sh [--before REV] [--after REV] [--rates "500 1000 2000 4000"] [options]
#
# Builds src/Gateway (Release) of --before (default HEAD~1) in a git worktree under the work directory, and of --after
# (a commit in another worktree, or by default the current working tree of this repository, copied there with its
# uncommitted changes: nothing is built in the repository itself). Embedded mode (the default): for each rate, before
# then after, a fresh gateway process
#   dotnet <build>/Im.Orleans.Gateway.dll --urls http://127.0.0.1:PORT --Data:Directory <tmp> (send limit raised)
# with an empty data directory, load.js against it (--pid: its RSS), then the gateway is stopped (SIGTERM).
# --cluster adds cluster mode: per build, scripts/cluster.sh of that build starts a throwaway PostgreSQL, two silos,
# two gateways and nginx on ports of its own, then stops gw2 and nginx; load.js drives gw1 directly (RSS: gw1 + both
# silos) at every rate, then the cluster is cleaned away. Prints one markdown table at the end, also in OUT/table.md.
#
# Options:
#   --before REV         the old build (default HEAD~1)
#   --after REV          the new build (default: the working tree as it is now)
#   --rates "R ..."      offered Send calls per second (default "500 1000 2000 4000")
#   --users N            users (default 20)          --group-size G   members per group (default 5)
#   --seconds S          measured seconds per rate (default 10)     --warmup W   warm-up seconds (default 3)
#   --drain D            seconds to wait for outstanding acks and pushes after the last send (default 15)
#   --transport T        websockets | sse | longpolling (default websockets)
#   --cluster            also run cluster mode (after embedded mode)   --cluster-only   only cluster mode
#   --out DIR            results, logs and the table (default /tmp/im-chat-bench-results-<time>)
#   --keep               keep the worktrees and builds (the work directory /tmp/im-chat-bench-work.*, printed at the
#                        end) instead of removing them; remove them with git worktree remove
#   --log-level L        the servers' Logging:LogLevel:Default (default Warning: less console work under load)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)

before=HEAD~1
after=
rates="500 1000 2000 4000"
users=20
group_size=5
seconds=10
warmup=3
drain=15
transport=websockets
embedded=1
cluster=0
out=
keep=0
log_level=Warning

die() { echo "compare: $*" >&2; exit 2; }
say() { echo "compare: $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --before) before=${2:?--before needs a revision}; shift 2 ;;
        --after) after=${2:?--after needs a revision}; shift 2 ;;
        --rates) rates=${2:?--rates needs a list}; shift 2 ;;
        --users) users=${2:?}; shift 2 ;;
        --group-size) group_size=${2:?}; shift 2 ;;
        --seconds) seconds=${2:?}; shift 2 ;;
        --warmup) warmup=${2:?}; shift 2 ;;
        --drain) drain=${2:?}; shift 2 ;;
        --transport) transport=${2:?}; shift 2 ;;
        --cluster) cluster=1; shift ;;
        --cluster-only) cluster=1; embedded=0; shift ;;
        --out) out=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        --log-level) log_level=${2:?}; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $1 (--help lists them)" ;;
    esac
done
for rate in $rates; do [[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rates: '$rate' is not a number"; done
for value in "$users" "$group_size" "$seconds" "$warmup" "$drain"; do [[ "$value" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "'$value' is not a number"; done

command -v dotnet > /dev/null || die "dotnet is needed"
command -v node > /dev/null || die "node is needed"
command -v curl > /dev/null || die "curl is needed"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-/tmp/im-chat-bench-results-$stamp}
mkdir -p "$out/logs" "$out/runs"
out=$(cd "$out" && pwd)
: > "$out/results.jsonl"
work=$(mktemp -d /tmp/im-chat-bench-work.XXXXXX)
chmod 755 "$work" # the cluster's PostgreSQL runs as "postgres" and must enter it
api_key="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
worktrees=()
gateway_pid=
cluster_dirs=()

cleanup() {
    local status=$?
    set +e
    if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2> /dev/null; then stop_pid "$gateway_pid"; fi
    for dir in "${cluster_dirs[@]}"; do
        [ -d "$dir/run" ] && CLUSTER_DIR=$dir bash "$(dirname "$dir")/src/scripts/cluster.sh" clean > /dev/null 2>&1
    done
    if [ "$keep" = 1 ]; then
        say "kept the builds in $work"
    else
        for tree in "${worktrees[@]}"; do git -C "$repo" worktree remove --force "$tree" > /dev/null 2>&1; done
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() { # SIGTERM, 30 s to drain, then SIGKILL
    local pid=$1 i
    kill -TERM "$pid" 2> /dev/null || return 0
    for i in $(seq 1 150); do kill -0 "$pid" 2> /dev/null || return 0; sleep 0.2; done
    say "pid $pid did not stop within 30 s: SIGKILL"
    kill -KILL "$pid" 2> /dev/null || true
}

free_port() {
    node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

ports_free() { # PORT...: true when every one can be bound on loopback now
    node -e '
        const net = require("net");
        const ports = process.argv.slice(1).map(Number);
        Promise.all(ports.map((port) => new Promise((resolve) => {
            const s = net.createServer().once("error", () => resolve(false));
            s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
        }))).then((ok) => process.exit(ok.every(Boolean) ? 0 : 1));' "$@"
}

# ---------------------------------------------------------------- builds

# prepare NAME REV-or-empty: a source tree in $work/NAME/src, built; sets label_NAME and dll_NAME.
prepare() {
    local name=$1 rev=$2 tree=$work/$1/src sha label
    mkdir -p "$work/$name"
    if [ -n "$rev" ]; then
        sha=$(git -C "$repo" rev-parse --verify --quiet "$rev^{commit}") || die "$rev is no commit"
        git -C "$repo" worktree add --detach "$tree" "$sha" > /dev/null 2>&1 || die "git worktree add $tree $sha failed"
        worktrees+=("$tree")
        label="$name ${sha:0:7}"
    else
        # The working tree as it is, uncommitted and untracked (not ignored) files included, copied: the repository
        # itself gets no bin/ or obj/ from this script.
        sha=$(git -C "$repo" rev-parse HEAD)
        mkdir -p "$tree"
        (cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2> /dev/null) | tar -xf - -C "$tree"
        label="$name ${sha:0:7}"
        [ -z "$(git -C "$repo" status --porcelain --untracked-files=normal)" ] || label="$label+wt"
    fi
    say "building $label (Release) in $tree"
    local projects=(src/Gateway/Gateway.csproj)
    [ "$cluster" = 0 ] || projects+=(src/Silo/Silo.csproj)
    for project in "${projects[@]}"; do
        # No build servers left behind (node reuse, shared compilation): this script ends every process it starts.
        if ! (cd "$tree" && dotnet build "$project" -c Release -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false) > "$out/logs/build-$name.log" 2>&1; then
            tail -n 30 "$out/logs/build-$name.log" >&2
            die "the build of $label failed (log: $out/logs/build-$name.log)"
        fi
    done
    local dll
    dll=$(find "$tree/src/Gateway/bin/Release" -name Im.Orleans.Gateway.dll -path '*/net*/*' 2> /dev/null | head -n 1)
    [ -n "$dll" ] || die "no Im.Orleans.Gateway.dll under $tree/src/Gateway/bin/Release"
    printf -v "label_$name" '%s' "$label"
    printf -v "dll_$name" '%s' "$dll"
    printf -v "tree_$name" '%s' "$tree"
}

if [ ! -d "$here/node_modules/@microsoft/signalr" ]; then
    say "installing load.js's packages (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund > "$out/logs/npm.log" 2>&1) || die "npm ci failed (log: $out/logs/npm.log)"
fi

say "results and logs in $out"
prepare before "$before"
prepare after "$after"

# ---------------------------------------------------------------- load

# load NAME MODE RATE URL PIDS: runs load.js, keeps its output, appends its JSON line to $out/results.jsonl.
load() {
    local name=$1 mode=$2 rate=$3 url=$4 pids=$5 label file
    label=label_$name
    file=$out/runs/$mode-$rate-$name.txt
    say "$mode, ${!label}, $rate/s: load.js against $url"
    if node "$here/load.js" --url "$url" --users "$users" --group-size "$group_size" --rate "$rate" --seconds "$seconds" \
        --warmup "$warmup" --drain "$drain" --transport "$transport" --api-key "$api_key" --pid "$pids" \
        --label "${!label}" --quiet > "$file" 2> "$out/logs/load-$mode-$rate-$name.log"; then
        sed '$d' "$file" >&2
        tail -n 1 "$file" | node -e '
            let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
                const r = JSON.parse(s); r.build = process.argv[1]; r.buildName = process.argv[2]; r.mode = process.argv[3];
                process.stdout.write(JSON.stringify(r) + "\n");
            });' "${!label}" "$name" "$mode" >> "$out/results.jsonl"
    else
        say "load.js failed ($mode, ${!label}, $rate/s): $(tail -n 3 "$out/logs/load-$mode-$rate-$name.log" | tr '\n' ' ')"
        failed_row "$name" "$mode" "$rate"
    fi
}

failed_row() { # NAME MODE RATE: a row that says the run failed
    local label=label_$1
    printf '{"build":"%s","buildName":"%s","mode":"%s","offeredPerSecond":%s,"failed":true}\n' "${!label}" "$1" "$2" "$3" >> "$out/results.jsonl"
}

wait_ready() { # URL PID LOG
    local deadline=$((SECONDS + 90))
    until curl -fsS -o /dev/null --max-time 2 "$1/health/ready" 2> /dev/null; do
        kill -0 "$2" 2> /dev/null || { tail -n 20 "$3" >&2; return 1; }
        [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$3" >&2; return 1; }
        sleep 0.3
    done
}

embedded_run() { # NAME RATE
    local name=$1 rate=$2 dll port data log
    dll=dll_$name
    port=$(free_port)
    data=$(mktemp -d "$work/data-XXXXXX")
    log=$out/logs/gateway-embedded-$rate-$name.log
    # A plain child (no wrapper shell), so $! is the gateway's own pid for /proc.
    Logging__LogLevel__Default=$log_level DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
        dotnet "${!dll}" --urls "http://127.0.0.1:$port" --Data:Directory "$data" \
        --RateLimit:Send:PerSecond 100000 --RateLimit:Send:Burst 100000 --Hub:InvocationsPerSecond 100000 --Hub:InvocationBurst 100000 \
        --Auth:ApiKeys:0 "$api_key" > "$log" 2>&1 < /dev/null &
    gateway_pid=$!
    if wait_ready "http://127.0.0.1:$port" "$gateway_pid" "$log"; then
        load "$name" embedded "$rate" "http://127.0.0.1:$port" "$gateway_pid"
    else
        say "the gateway ($name) did not get ready (log: $log)"
        failed_row "$name" embedded "$rate"
    fi
    stop_pid "$gateway_pid"
    gateway_pid=
    rm -rf "$data"
}

if [ "$embedded" = 1 ]; then
    # Interleaved (before, after, before, after ...), so changing load on the machine hits both builds alike.
    for rate in $rates; do
        for name in before after; do embedded_run "$name" "$rate"; done
    done
fi

# ---------------------------------------------------------------- cluster mode

cluster_runs() { # NAME: one cluster of this build, every rate against its gw1, then the cluster is removed
    local name=$1 tree dll dir silo_dll port_base
    tree=tree_$name
    dll=dll_$name
    dir=$work/$name/cluster
    silo_dll=$(find "${!tree}/src/Silo/bin/Release" -name Im.Orleans.Silo.dll -path '*/net*/*' 2> /dev/null | head -n 1)
    [ -n "$silo_dll" ] || die "no Im.Orleans.Silo.dll in ${!tree}"
    # Ports of its own (not cluster.sh's defaults, which a developer's cluster may hold), below the kernel's ephemeral
    # range: PostgreSQL base, nginx base+1, silos base+11.. (transport) and base+21.. (health), gateways base+31..
    local try
    for try in $(seq 1 20); do
        port_base=$((20000 + RANDOM % 12000))
        ports_free $port_base $((port_base + 1)) $((port_base + 11)) $((port_base + 12)) $((port_base + 21)) $((port_base + 22)) $((port_base + 31)) $((port_base + 32)) && break
        [ "$try" -lt 20 ] || die "found no free ports for the cluster"
    done
    cluster_dirs+=("$dir")
    local -a env=(CLUSTER_DIR="$dir" CLUSTER_ID="bench-$name" PG_PORT=$((port_base)) LB_PORT=$((port_base + 1))
        SILO_PORT_BASE=$((port_base + 10)) SILO_HTTP_BASE=$((port_base + 20)) GATEWAY_PORT_BASE=$((port_base + 30))
        SILO_DLL="$silo_dll" GATEWAY_DLL="${!dll}" LOG_LEVEL="$log_level"
        RateLimit__Send__PerSecond=100000 RateLimit__Send__Burst=100000 Hub__InvocationsPerSecond=100000 Hub__InvocationBurst=100000
        Auth__ApiKeys__0="$api_key")
    say "cluster ($name): PostgreSQL, 2 silos, 2 gateways, nginx from ${!tree}/scripts/cluster.sh in $dir"
    if ! env "${env[@]}" bash "${!tree}/scripts/cluster.sh" start > "$out/logs/cluster-$name.log" 2>&1; then
        tail -n 20 "$out/logs/cluster-$name.log" >&2
        say "the cluster ($name) did not start (log: $out/logs/cluster-$name.log)"
        for rate in $rates; do
            failed_row "$name" cluster "$rate"
        done
    else
        # Only gw1 takes the load: gw2 and nginx stop (gracefully), so the machine runs 2 silos + 1 gateway.
        local pid node pids
        for node in nginx gw2; do
            pid=$(cat "$dir/run/$node.pid" 2> /dev/null || true)
            [ -n "$pid" ] && stop_pid "$pid"
        done
        pids="$(cat "$dir/run/gw1.pid"),$(cat "$dir/run/silo1.pid"),$(cat "$dir/run/silo2.pid")"
        for rate in $rates; do load "$name" cluster "$rate" "http://127.0.0.1:$((port_base + 31))" "$pids"; done
    fi
    env "${env[@]}" bash "${!tree}/scripts/cluster.sh" stop >> "$out/logs/cluster-$name.log" 2>&1 || true
    cp -r "$dir/logs" "$out/logs/cluster-$name-nodes" 2> /dev/null || true
    env "${env[@]}" bash "${!tree}/scripts/cluster.sh" clean >> "$out/logs/cluster-$name.log" 2>&1 || true
}

if [ "$cluster" = 1 ]; then
    for name in before after; do cluster_runs "$name"; done
fi

# ---------------------------------------------------------------- the table

node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const order = { embedded: 0, cluster: 1 };
lines.sort((a, b) => order[a.mode] - order[b.mode] || a.offeredPerSecond - b.offeredPerSecond || (a.buildName === "before" ? -1 : 1));
const head = ["build", "mode", "offered/s", "sent", "acked", "delivered", "expected", "delivered/s", "p50 ms", "p99 ms", "RSS MB", "max ms", "peak RSS MB", "server CPU s", "errors"];
const rows = lines.map((r) => r.failed
  ? [r.build, r.mode, r.offeredPerSecond, "failed", "", "", "", "", "", "", "", "", "", "", ""]
  : [r.build, r.mode, r.offeredPerSecond, r.sent, r.acknowledged, r.delivered, r.expected, r.deliveredPerSecond,
     r.latencyMs.p50 ?? "-", r.latencyMs.p99 ?? "-", r.server?.rssMb ?? "-", r.latencyMs.max ?? "-", r.server?.rssPeakSampledMb ?? "-",
     r.server?.cpuSeconds ?? "-", Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(", ") || "0"]);
const md = [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
console.log(md);
' "$out/results.jsonl" | tee "$out/table.md"
say "per-run tables and JSON in $out/runs, logs in $out/logs, the table in $out/table.md"
