#!/usr/bin/env bash
# Our gateway under the same group-chat load over the JSON and the MessagePack hub protocol, side by side: for each
# round, JSON then MessagePack, each against a fresh Release gateway (embedded, empty data directory, send and
# invocation limits lifted, as bench/run.sh runs "ours"), one load.js run (--protocol), the gateway stopped.
# Prints every run and the medians (delivered/s, latency p50/p99, server CPU seconds per 1000 deliveries).
#   bench/chat-load/protocols.sh [--rate 2000] [--rounds 3] [--users 200] [--group-size 5] [--seconds 8] [--warmup 2]
#                                [--drain 10] [--out DIR]
# Installs the Node packages (npm ci) when missing or older than the lockfile; builds src/Gateway (Release) in place.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rate=2000 rounds=3 users=200 group_size=5 seconds=8 warmup=2 drain=10
out=/tmp/im-protocols-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
    case $1 in
        --rate) rate=$2; shift 2 ;; --rounds) rounds=$2; shift 2 ;; --users) users=$2; shift 2 ;;
        --group-size) group_size=$2; shift 2 ;; --seconds) seconds=$2; shift 2 ;; --warmup) warmup=$2; shift 2 ;;
        --drain) drain=$2; shift 2 ;; --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "protocols.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { echo "protocols: $*" >&2; }
die() { say "$*"; exit 1; }
mkdir -p "$out/logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
api_key="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
server_pid=
cleanup() { [ -z "$server_pid" ] || kill -TERM "$server_pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$out"/data-*; }
trap cleanup EXIT
free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }

installed="$here/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/package-lock.json" -nt "$installed" ]; then
    say "npm ci in bench/chat-load"; (cd "$here" && npm ci --no-audit --no-fund) > "$out/logs/npm.log" 2>&1 || die "npm ci failed"
fi
say "building src/Gateway (Release)"
(cd "$repo" && dotnet build src/Gateway/Gateway.csproj -c Release -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false) \
    > "$out/logs/build.log" 2>&1 || { tail -n 20 "$out/logs/build.log" >&2; die "the build failed"; }
gateway_dll=$(find "$repo/src/Gateway/bin/Release" -name Im.Orleans.Gateway.dll -path '*/net*/*' | head -n 1)

run() { # ROUND PROTOCOL: a fresh gateway, one load.js run, the gateway stopped; appends the JSON line to results.jsonl
    local port data log=$out/logs/gateway-$1-$2.log file=$out/load-$1-$2.txt
    port=$(free_port) data=$(mktemp -d "$out/data-XXXXXX")
    Logging__LogLevel__Default=Warning dotnet "$gateway_dll" --urls "http://127.0.0.1:$port" --Data:Directory "$data" \
        --RateLimit:Send:PerSecond 100000 --RateLimit:Send:Burst 100000 --Hub:InvocationsPerSecond 100000 \
        --Hub:InvocationBurst 100000 --Auth:ApiKeys:0 "$api_key" > "$log" 2>&1 < /dev/null &
    server_pid=$!
    local deadline=$((SECONDS + 60))
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready" 2> /dev/null; do
        kill -0 "$server_pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$log" >&2; die "the gateway did not start"; }
        sleep 0.3
    done
    say "round $1: $2 at $rate/s (load average $(cut -d' ' -f1 /proc/loadavg))"
    node "$here/load.js" --url "http://127.0.0.1:$port" --users "$users" --group-size "$group_size" --rate "$rate" \
        --seconds "$seconds" --warmup "$warmup" --drain "$drain" --pid "$server_pid" --api-key "$api_key" --protocol "$2" \
        --label "round $1" --quiet > "$file" 2> "$out/logs/load-$1-$2.log" || say "load.js failed in round $1 ($2)"
    kill -TERM "$server_pid" 2> /dev/null
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2> /dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2> /dev/null; wait "$server_pid" 2> /dev/null; server_pid=
    rm -rf "$data"
    tail -n 1 "$file" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); r.loadAverage = Number(process.argv[1]); console.log(JSON.stringify(r))' \
        "$(cut -d' ' -f1 /proc/loadavg)" >> "$out/results.jsonl" 2> /dev/null || say "no result in round $1 ($2)"
}

: > "$out/results.jsonl"
say "results and logs in $out"
for round in $(seq 1 "$rounds"); do
    for protocol in json messagepack; do run "$round" "$protocol"; done
done

echo "$users users in groups of $group_size, $rate sends/s offered, $seconds s per run after $warmup s warm-up; $(date -u +%Y-%m-%d) on $(nproc) cores"
node - "$out/results.jsonl" <<'JS'
const rows = require("fs").readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const cpuPerK = (r) => (r.server?.cpuSeconds && r.delivered ? (1000 * r.server.cpuSeconds) / r.delivered : null);
const median = (xs) => { const v = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b); return v.length ? v[Math.floor((v.length - 1) / 2)] : null; };
const f = (v, d = 0) => (v === null || v === undefined ? "-" : v.toFixed(d));
console.log("| protocol | run | delivered/s | acked % | p50 ms | p99 ms | server CPU s / 1000 delivered | load avg |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.protocol} | ${r.label} | ${f(r.deliveredPerSecond)} | ${f((100 * r.acknowledged) / r.sent)} | ${f(r.latencyMs.p50)} | ${f(r.latencyMs.p99)} | ${f(cpuPerK(r), 3)} | ${f(r.loadAverage, 1)} |`);
for (const p of ["json", "messagepack"]) {
  const mine = rows.filter((r) => r.protocol === p);
  console.log(`| ${p} | median of ${mine.length} | ${f(median(mine.map((r) => r.deliveredPerSecond)))} | ${f(median(mine.map((r) => (100 * r.acknowledged) / r.sent)))} | ${f(median(mine.map((r) => r.latencyMs.p50)))} | ${f(median(mine.map((r) => r.latencyMs.p99)))} | ${f(median(mine.map(cpuPerK)), 3)} | ${f(median(mine.map((r) => r.loadAverage)), 1)} |`);
}
JS
