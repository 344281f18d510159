#!/usr/bin/env bash
# Cluster mode on PostgreSQL and its scale-out, with one generator (chat-load/load.js) spread over both gateways.
# Each configuration gets a fresh scripts/cluster.sh cluster (PostgreSQL, silos, gw1 + gw2; send and invocation limits
# lifted as bench/run.sh does for "ours"), one load.js run with users alternating between gw1 and gw2, and a clean.
#   quota rows   (--silos "1 2"): N silos, each started inside a cgroup v1 cpu group of its own limited to --quota % of
#                one core (cpu.cfs_quota_us), same offered --rate: the 2 ÷ 1 ratio in delivered/s is the scale-out.
#   full rows    (--full): 2 silos + 2 gateways without quota, then the embedded default (bench/run.sh's "ours"), both
#                at --full-rate.
# Per configuration and repeat it records the CPU each process group used during the measured window (/proc/PID/stat)
# and the load average; the table shows medians over --repeat.
#   bench/scale.sh [--silos "1 2"] [--quota 50] [--rate 2000] [--full] [--full-rate 4000] [--repeat 2]
#                  [--users 200] [--group-size 5] [--seconds 8] [--warmup 2] [--drain 10] [--out DIR]
# Runs as root (cgroup files). Builds the silo and the gateway (Release) first; npm ci in chat-load when needed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
silo_counts="1 2" quota=50 rate=2000 full=0 full_rate=4000 repeat=2 users=200 group_size=5 seconds=8 warmup=2 drain=10
out=/tmp/im-scale-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
    case $1 in
        --silos) silo_counts=$2; shift 2 ;; --quota) quota=$2; shift 2 ;; --rate) rate=$2; shift 2 ;;
        --full) full=1; shift ;; --full-rate) full_rate=$2; shift 2 ;; --repeat) repeat=$2; shift 2 ;;
        --users) users=$2; shift 2 ;; --group-size) group_size=$2; shift 2 ;; --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;; --drain) drain=$2; shift 2 ;; --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { echo "scale: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root: it writes cgroup files"
cg_root=/sys/fs/cgroup/cpu
[ -w "$cg_root/cgroup.procs" ] || die "no writable cgroup v1 cpu controller at $cg_root"
mkdir -p "$out/logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# Our own ports, away from scripts/cluster.sh's defaults, so a cluster someone else runs on this box is not touched.
export PG_PORT=${PG_PORT:-56432} LB_PORT=${LB_PORT:-18480} SILO_PORT_BASE=${SILO_PORT_BASE:-18410}
export SILO_GATEWAY_PORT_BASE=${SILO_GATEWAY_PORT_BASE:-18420} SILO_HTTP_BASE=${SILO_HTTP_BASE:-18430}
export GATEWAY_PORT_BASE=${GATEWAY_PORT_BASE:-18440} LOG_LEVEL=Warning
api_key="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# What bench/run.sh passes to "ours" as arguments, here through the environment the nodes inherit (cluster.sh's header):
# the load measures the chat, not the per-user and per-connection limits.
export RateLimit__Send__PerSecond=100000 RateLimit__Send__Burst=100000 Hub__InvocationsPerSecond=100000 \
    Hub__InvocationBurst=100000 Auth__ApiKeys__0="$api_key"

cgroups=() cluster_dir= embedded_pid=
cleanup() {
    [ -z "$embedded_pid" ] || kill -TERM "$embedded_pid" 2> /dev/null
    [ -z "$cluster_dir" ] || CLUSTER_DIR=$cluster_dir "$repo/scripts/cluster.sh" clean > /dev/null 2>&1
    local cg pid
    for cg in "${cgroups[@]}"; do
        [ -d "$cg" ] || continue
        # Anything still inside goes back to the root group, or rmdir refuses.
        for pid in $(cat "$cg/cgroup.procs" 2> /dev/null); do echo "$pid" > "$cg_root/cgroup.procs" 2> /dev/null; done
        rmdir "$cg" 2> /dev/null || say "could not remove $cg"
    done
    wait 2> /dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- what the runs need
installed="$here/chat-load/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/chat-load/package-lock.json" -nt "$installed" ]; then
    say "npm ci in bench/chat-load"; (cd "$here/chat-load" && npm ci --no-audit --no-fund) > "$out/logs/npm.log" 2>&1 || die "npm ci failed"
fi
for project in src/Silo/Silo.csproj src/Gateway/Gateway.csproj; do
    # Always: cluster.sh only builds when a binary is missing, and a stale one would measure old code.
    say "building $project (Release)"
    (cd "$repo" && dotnet build "$project" -c Release -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false) >> "$out/logs/build.log" 2>&1 || { tail -n 20 "$out/logs/build.log" >&2; die "the build of $project failed"; }
done
gateway_dll=$repo/src/Gateway/bin/Release/net10.0/Im.Orleans.Gateway.dll

ticks() { # PID...: user + system clock ticks, summed (fields 14 and 15 of /proc/PID/stat; gone processes count 0)
    local total=0 pid t
    for pid in "$@"; do
        t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2> /dev/null) || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
postgres_pids() { # the postmaster and its children (backends, writers), which come and go
    local master
    master=$(head -n 1 "$cluster_dir/pg/data/postmaster.pid" 2> /dev/null) || return 0
    echo "$master" $(ps -o pid= --ppid "$master")
}

# One load.js run over URLS, with the CPU of every group in GROUPS ("name=pid,pid ...", plus postgres and the
# generator) read when the measured window starts and when it ends (found from load.js's progress line "sending").
run_load() { # LABEL URLS GROUPS...
    local label=$1 urls=$2; shift 2
    local file=$out/load-$label.txt log=$out/logs/load-$label.log load_pid hz before=() after=() names=() g
    hz=$(getconf CLK_TCK)
    node "$here/chat-load/load.js" --url "$urls" --users "$users" --group-size "$group_size" --rate "$current_rate" \
        --seconds "$seconds" --warmup "$warmup" --drain "$drain" --api-key "$api_key" --label "$label" > "$file" 2> "$log" &
    load_pid=$!
    until grep -q 'load: sending' "$log" 2> /dev/null; do kill -0 "$load_pid" 2> /dev/null || break; sleep 0.05; done
    sleep "$warmup"
    snapshot() { local g; for g in "$@"; do ticks ${g#*=}; done; ticks $(postgres_pids); ticks "$load_pid"; }
    for g in "$@"; do names+=("${g%%=*}"); done
    names+=(postgres generator)
    mapfile -t before < <(snapshot "${@//,/ }")
    local load_before; load_before=$(cut -d' ' -f1 /proc/loadavg)
    sleep "$seconds"
    mapfile -t after < <(snapshot "${@//,/ }")
    wait "$load_pid" || { say "$label: load.js failed (log: $log)"; tail -n 5 "$log" >&2; return 1; }
    local cpu="" i
    for i in "${!names[@]}"; do
        cpu+="${cpu:+,}\"${names[$i]}\":$(awk -v d=$((after[i] - before[i])) -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.2f", d / hz / s }')"
    done
    tail -n 1 "$file" | node -e '
        const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const [config, rep, cpu, loadStart] = process.argv.slice(1);
        console.log(JSON.stringify({ ...r, config, rep: Number(rep), cpuCores: JSON.parse(cpu), loadavg: [Number(loadStart), ...require("fs").readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number)] }));
    ' "$config" "$rep" "{$cpu}" "$load_before" >> "$out/results.jsonl"
}

run_cluster() { # SILOS QUOTA(0 = none)
    local silos=$1 q=$2 n cg groups=() wrapper=
    cluster_dir=$out/cluster-$config-$rep
    if [ "$q" -gt 0 ]; then
        # One group per silo, made before it starts: cluster.sh starts each silo through cgroup-exec.sh, inside its group.
        for n in $(seq 1 "$silos"); do
            cg=$cg_root/im-scale-$$-silo$n
            mkdir -p "$cg" && cgroups+=("$cg")
            echo $(($(cat "$cg/cpu.cfs_period_us") * q / 100)) > "$cg/cpu.cfs_quota_us" || { say "cannot set the quota of $cg"; return 1; }
        done
        wrapper="$here/cgroup-exec.sh $cg_root/im-scale-$$"
    fi
    say "$config (repeat $rep): cluster with $silos silo(s), quota ${q}% (0: none), $current_rate sends/s offered"
    CLUSTER_DIR=$cluster_dir SILOS=$silos SILO_WRAPPER=$wrapper "$repo/scripts/cluster.sh" start > "$out/logs/cluster-$config-$rep.log" 2>&1 || {
        tail -n 20 "$out/logs/cluster-$config-$rep.log" >&2; return 1; }
    local silo_pids=()
    for n in $(seq 1 "$silos"); do
        silo_pids+=("$(cat "$cluster_dir/run/silo$n.pid")")
        groups+=("silo$n=${silo_pids[-1]}")
        if [ "$q" -gt 0 ] && ! grep -qx "${silo_pids[-1]}" "$cg_root/im-scale-$$-silo$n/cgroup.procs"; then say "silo$n is not in its cgroup"; return 1; fi
    done
    groups+=("gw1=$(cat "$cluster_dir/run/gw1.pid")" "gw2=$(cat "$cluster_dir/run/gw2.pid")")
    local throttled_before=() i
    for i in "${!silo_pids[@]}"; do throttled_before+=("$(awk '$1 == "nr_throttled" { print $2 }' "$cg_root/im-scale-$$-silo$((i + 1))/cpu.stat" 2> /dev/null || echo 0)"); done
    run_load "$config-$rep" "http://127.0.0.1:$((GATEWAY_PORT_BASE + 1)),http://127.0.0.1:$((GATEWAY_PORT_BASE + 2))" "${groups[@]}"
    local ok=$?
    if [ "$q" -gt 0 ]; then
        for i in "${!silo_pids[@]}"; do
            say "silo$((i + 1)): throttled in $(( $(awk '$1 == "nr_throttled" { print $2 }' "$cg_root/im-scale-$$-silo$((i + 1))/cpu.stat") - ${throttled_before[$i]:-0} )) periods of 100 ms during the run"
        done
    fi
    CLUSTER_DIR=$cluster_dir "$repo/scripts/cluster.sh" clean >> "$out/logs/cluster-$config-$rep.log" 2>&1
    cluster_dir=
    for cg in "${cgroups[@]}"; do rmdir "$cg" 2> /dev/null; done
    cgroups=()
    return $ok
}

run_embedded() { # the embedded default as bench/run.sh starts "ours"
    local port=$((GATEWAY_PORT_BASE + 9)) data=$out/embedded-data-$rep deadline
    say "$config (repeat $rep): embedded gateway, $current_rate sends/s offered"
    mkdir -p "$data"
    Logging__LogLevel__Default=Warning dotnet "$gateway_dll" --urls "http://127.0.0.1:$port" --Data:Directory "$data" \
        > "$out/logs/embedded-$rep.log" 2>&1 < /dev/null &
    embedded_pid=$!
    deadline=$((SECONDS + 60))
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready" 2> /dev/null; do
        kill -0 "$embedded_pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$out/logs/embedded-$rep.log" >&2; return 1; }
        sleep 0.3
    done
    run_load "$config-$rep" "http://127.0.0.1:$port" "gateway=$embedded_pid"
    local ok=$?
    kill -TERM "$embedded_pid" 2> /dev/null
    for _ in $(seq 1 100); do kill -0 "$embedded_pid" 2> /dev/null || break; sleep 0.2; done
    kill -KILL "$embedded_pid" 2> /dev/null
    wait "$embedded_pid" 2> /dev/null
    embedded_pid=
    rm -rf "$data"
    return $ok
}

say "results and logs in $out"
: > "$out/results.jsonl"
failed=0
for rep in $(seq 1 "$repeat"); do
    # Alternating within each repeat, so a noisy minute on the shared box does not land on one configuration only.
    for n in $silo_counts; do
        config="silos$n-q$quota" current_rate=$rate
        run_cluster "$n" "$quota" || { failed=$((failed + 1)); say "$config repeat $rep failed"; }
    done
    if [ "$full" = 1 ]; then
        config=cluster2-full current_rate=$full_rate
        run_cluster 2 0 || { failed=$((failed + 1)); say "$config repeat $rep failed"; }
        config=embedded current_rate=$full_rate
        run_embedded || { failed=$((failed + 1)); say "$config repeat $rep failed"; }
    fi
done

echo
echo "$users users in groups of $group_size over gw1 + gw2 (embedded: one gateway), $seconds s measured after $warmup s warm-up, medians of $repeat; $(date -u +%Y-%m-%d) on $(nproc) cores"
node "$here/scale-table.js" "$out/results.jsonl" "$quota" | tee "$out/table.md"
[ "$failed" -eq 0 ]
