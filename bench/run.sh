#!/usr/bin/env bash
# Ours against its peers, side by side, with one generator (chat-load/load.js) and one table (table.js). For each
# offered rate, each target in turn: a fresh server, one load.js run, the server stopped, so no backlog of one target
# eats the next one's CPU. Targets: ours (the Release gateway, embedded, send and invocation limits lifted, as
# chat-load/compare.sh runs it), relay (bench/relay, bare SignalR, stores nothing), socketio (bench/socketio,
# socket.io + Redis adapter, stores nothing). Installs redis-server (apt-get) and Node packages (npm ci) when missing.
#   bench/run.sh [--rates "4000 12000 20000"] [--users 200] [--group-size 5] [--seconds 8] [--warmup 2] [--drain 10]
#                [--targets "ours relay socketio"] [--prewarm 6] [--out DIR] [--smoke]
# --prewarm S: before each measured run, S seconds at min(rate, 2000)/s from a separate load.js whose figures are
#   discarded, so every target is measured with its code compiled and tiered up (a JIT-warm server, as in production).
# --smoke: 10 users, 100/s, 2 s per target, no prewarm; prints TAP lines (a target that answered is ok; no speed is asserted).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rates="4000 12000 20000" users=200 group_size=5 seconds=8 warmup=2 drain=10 targets="ours relay socketio" smoke=0 prewarm=6
out=/tmp/im-bench-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
    case $1 in
        --rates) rates=$2; shift 2 ;; --users) users=$2; shift 2 ;; --group-size) group_size=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;; --warmup) warmup=$2; shift 2 ;; --drain) drain=$2; shift 2 ;;
        --targets) targets=$2; shift 2 ;; --out) out=$2; shift 2 ;; --prewarm) prewarm=$2; shift 2 ;;
        --smoke) smoke=1 rates=100 users=10 seconds=2 warmup=1 drain=5 prewarm=0; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { echo "bench: $*" >&2; }
die() { say "$*"; [ "$smoke" = 0 ] || { echo "not ok 1 - $*"; echo "# pass 0"; echo "# fail 1"; }; exit 1; }
mkdir -p "$out/logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
api_key="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null; done; wait 2> /dev/null; }
trap cleanup EXIT
free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }

# ---- what the targets need
command -v redis-server > /dev/null || { say "installing redis-server"; (apt-get update -qq && apt-get install -y -qq redis-server) > "$out/logs/apt.log" 2>&1 || die "apt-get install redis-server failed"; }
for dir in chat-load socketio; do
    # Also when the lockfile changed since the last install (a tree installed before a package was added).
    installed="$here/$dir/node_modules/.package-lock.json"
    if [ ! -f "$installed" ] || [ "$here/$dir/package-lock.json" -nt "$installed" ]; then
        say "npm ci in bench/$dir"; (cd "$here/$dir" && npm ci --no-audit --no-fund) > "$out/logs/npm-$dir.log" 2>&1 || die "npm ci in bench/$dir failed"
    fi
done
for project in src/Gateway/Gateway.csproj bench/relay/Relay.csproj; do
    say "building $project (Release)"
    (cd "$repo" && dotnet build "$project" -c Release -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false) > "$out/logs/build.log" 2>&1 || { tail -n 20 "$out/logs/build.log" >&2; die "the build of $project failed"; }
done
gateway_dll=$(find "$repo/src/Gateway/bin/Release" -name Im.Orleans.Gateway.dll -path '*/net*/*' | head -n 1)
relay_dll=$(find "$repo/bench/relay/bin/Release" -name Im.Orleans.Bench.Relay.dll -path '*/net*/*' | head -n 1)
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > "$out/logs/redis.log" 2>&1 < /dev/null &
redis_pid=$!; pids+=("$redis_pid")

start() { # TARGET PORT: starts a plain child (so $! is the server's pid for load.js --pid)
    local log=$out/logs/$1-$rate.log
    case $1 in
        ours) data=$(mktemp -d "$out/data-XXXXXX")
            Logging__LogLevel__Default=Warning dotnet "$gateway_dll" --urls "http://127.0.0.1:$2" --Data:Directory "$data" \
                --RateLimit:Send:PerSecond 100000 --RateLimit:Send:Burst 100000 --Hub:InvocationsPerSecond 100000 \
                --Hub:InvocationBurst 100000 --Auth:ApiKeys:0 "$api_key" > "$log" 2>&1 < /dev/null & ;;
        relay) Logging__LogLevel__Default=Warning dotnet "$relay_dll" --urls "http://127.0.0.1:$2" > "$log" 2>&1 < /dev/null & ;;
        socketio) node "$here/socketio/server.js" --port "$2" --redis "redis://127.0.0.1:$redis_port" > "$log" 2>&1 < /dev/null & ;;
        *) die "unknown target $1" ;;
    esac
    server_pid=$!; pids+=("$server_pid")
    local deadline=$((SECONDS + 60))
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$2/health/ready" 2> /dev/null; do
        kill -0 "$server_pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$log" >&2; return 1; }
        sleep 0.3
    done
}

stop() { # PID: SIGTERM, 20 s, then SIGKILL
    kill -TERM "$1" 2> /dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$1" 2> /dev/null || return 0; sleep 0.2; done
    say "pid $1 did not stop within 20 s (a backlog): SIGKILL"; kill -KILL "$1" 2> /dev/null
}

say "results and logs in $out"
: > "$out/results.jsonl"
n=0 passed=0 failed=0
for rate in $rates; do
    for target in $targets; do
        port=$(free_port) file=$out/load-$target-$rate.txt ok=0
        extra=(); pid_list=
        if start "$target" "$port"; then
            pid_list=$server_pid; [ "$target" != socketio ] || pid_list="$server_pid,$redis_pid"
            [ "$target" = ours ] && extra=(--api-key "$api_key")
            [ "$target" = socketio ] && extra=(--target socketio)
            if [ "$prewarm" != 0 ]; then
                say "$target: prewarm, $prewarm s at $(( rate < 2000 ? rate : 2000 ))/s"
                node "$here/chat-load/load.js" --url "http://127.0.0.1:$port" --users "$users" --group-size "$group_size" \
                    --rate $(( rate < 2000 ? rate : 2000 )) --seconds "$prewarm" --warmup 0 --drain "$drain" --quiet "${extra[@]}" \
                    > /dev/null 2> "$out/logs/prewarm-$target-$rate.log"
            fi
            say "$target at $rate/s"
            node "$here/chat-load/load.js" --url "http://127.0.0.1:$port" --users "$users" --group-size "$group_size" --rate "$rate" \
                --seconds "$seconds" --warmup "$warmup" --drain "$drain" --pid "$pid_list" --label "$target" --quiet "${extra[@]}" \
                > "$file" 2> "$out/logs/load-$target-$rate.log" && ok=1
        fi
        [ -n "$pid_list" ] && stop "$server_pid"
        rm -rf "$out"/data-*
        n=$((n + 1))
        if [ "$ok" = 1 ]; then
            tail -n 1 "$file" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(JSON.stringify({ ...r, target: process.argv[1], rate: Number(process.argv[2]) }))' "$target" "$rate" >> "$out/results.jsonl"
            passed=$((passed + 1)); [ "$smoke" = 0 ] || echo "ok $n - $target answered at $rate/s"
        else
            printf '{"target":"%s","rate":%s,"failed":true}\n' "$target" "$rate" >> "$out/results.jsonl"
            failed=$((failed + 1)); say "$target at $rate/s failed (logs: $out/logs)"; [ "$smoke" = 0 ] || echo "not ok $n - $target at $rate/s"
        fi
    done
done

echo
echo "$users users in groups of $group_size, $seconds s per rate after $warmup s warm-up (and $prewarm s prewarm at up to 2000/s); $(date -u +%Y-%m-%d) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if node "$here/table.js" "$out/results.jsonl" | tee "$out/table.md"; then table_ok=1; else table_ok=0; fi
if [ "$smoke" = 1 ]; then
    n=$((n + 1))
    if [ "$table_ok" = 1 ]; then passed=$((passed + 1)); echo "ok $n - table printed"; else failed=$((failed + 1)); echo "not ok $n - table printed"; fi
    echo "# pass $passed"; echo "# fail $failed"
fi
[ "$failed" -eq 0 ] && [ "$table_ok" = 1 ]
