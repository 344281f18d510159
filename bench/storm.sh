#!/usr/bin/env bash
# Reconnect storm (issue 11): U users connected to the Release gateway, embedded (fresh data directory), in groups
# with messages acknowledged; the gateway SIGKILLed while sends are in flight (its embedded silo dies with it) and
# restarted on the same port and data directory; every client reconnects (backoff with jitter, never giving up),
# Syncs, and checks it has every acknowledged message, in order, once. Prints the time from the restart's
# /health/ready to 50/90/99/100 % reconnected and synced, refused attempts by reason, lost and duplicated messages,
# the gateway's peak RSS and CPU (bench/storm/storm.js does the run; see bench/README.md).
#   bench/storm.sh [--users 15000] [--group-size 5] [--runs 1] [--out DIR] [-- more storm.js options]
# Limits lifted for loopback clients: send and invocation rates; tokens come from /api/auth/token with an API key
# (not throttled). The hub's connection cap (derived from the open-file limit: 15876 at 20000) stays as shipped.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
users=15000 group_size=5 runs=1 extra=()
out=/tmp/im-storm-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
    case $1 in
        --users) users=$2; shift 2 ;; --group-size) group_size=$2; shift 2 ;; --runs) runs=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "storm.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { echo "storm.sh: $*" >&2; }
die() { say "$*"; exit 1; }
mkdir -p "$out/logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
api_key="storm-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
storm_pid= pid_file=$out/gateway.pid
cleanup() {
    [ -n "$storm_pid" ] && kill -TERM "$storm_pid" 2> /dev/null
    # storm.js starts the gateway; if storm.js died first, its gateway is stopped here by the pid it wrote.
    if [ -f "$pid_file" ]; then
        local gw; gw=$(cat "$pid_file")
        kill -0 "$gw" 2> /dev/null && { kill -TERM "$gw" 2> /dev/null; sleep 5; kill -KILL "$gw" 2> /dev/null; }
    fi
    wait 2> /dev/null
    rm -rf "$out"/data-*
}
trap cleanup EXIT
free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }

installed="$here/storm/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/storm/package-lock.json" -nt "$installed" ]; then
    say "npm ci in bench/storm"; (cd "$here/storm" && npm ci --no-audit --no-fund) > "$out/logs/npm.log" 2>&1 || die "npm ci in bench/storm failed"
fi
say "building src/Gateway (Release)"
(cd "$repo" && dotnet build src/Gateway/Gateway.csproj -c Release -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false) > "$out/logs/build.log" 2>&1 || { tail -n 20 "$out/logs/build.log" >&2; die "the build failed"; }
gateway_dll=$(find "$repo/src/Gateway/bin/Release" -name Im.Orleans.Gateway.dll -path '*/net*/*' | head -n 1)
# The clients bind to 127.0.0.2 …: Linux routes all of 127.0.0.0/8 to lo, so these need no setup; check one anyway.
node -e 'const s = require("net").connect({ host: "127.0.0.1", port: 1, localAddress: "127.0.0.2" }); s.on("error", (e) => process.exit(e.code === "EADDRNOTAVAIL" ? 1 : 0));' \
    || die "cannot bind a client socket to 127.0.0.2 (the storm spreads its clients over 127.0.0.2, .3 …)"

say "results and logs in $out"
: > "$out/results.jsonl"
failed=0
for run in $(seq 1 "$runs"); do
    port=$(free_port) data=$(mktemp -d "$out/data-XXXXXX")
    say "run $run of $runs: $users users on port $port (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    Logging__LogLevel__Default=Warning node "$here/storm/storm.js" --url "http://127.0.0.1:$port" --users "$users" --group-size "$group_size" \
        --api-key "$api_key" --gateway-log "$out/logs/gateway-$run.log" --pid-file "$pid_file" "${extra[@]}" -- \
        dotnet "$gateway_dll" --urls "http://127.0.0.1:$port" --Data:Directory "$data" \
        --RateLimit:Send:PerSecond 100000 --RateLimit:Send:Burst 100000 --Hub:InvocationsPerSecond 100000 --Hub:InvocationBurst 100000 \
        --Auth:ApiKeys:0 "$api_key" > "$out/storm-$run.txt" 2> "$out/logs/storm-$run.log" &
    storm_pid=$!
    wait "$storm_pid"; status=$?; storm_pid=
    rm -rf "$data" "$pid_file"
    head -n -1 "$out/storm-$run.txt"
    tail -n 1 "$out/storm-$run.txt" >> "$out/results.jsonl"
    if [ "$status" -ne 0 ]; then failed=$((failed + 1)); say "run $run: storm.js exited with $status (lost, duplicated or never back; logs: $out/logs)"; tail -n 5 "$out/logs/storm-$run.log" >&2; fi
done
say "done: $runs run(s), $failed failed; JSON lines in $out/results.jsonl"
[ "$failed" -eq 0 ]
