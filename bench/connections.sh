#!/usr/bin/env bash
# Server memory per idle WebSocket connection, ours against the bare relay. For each count and each target in turn: a
# fresh server, its RSS once ready and idle (median of --samples one-second VmRSS readings), idle/idle.js opening the
# connections (official JS client, spread over --users users, from 127.0.0.2, .3 …), --settle seconds of quiet, RSS
# again (median), then holder and server stopped. KB per connection = (RSS after - RSS before) / connections open.
# Targets: ours (the Release gateway, embedded, its connection caps lifted by configuration), relay (bench/relay,
# bare SignalR). Installs Node packages (npm ci) when missing. One JSON line per measurement, a markdown table at the end.
#   bench/connections.sh [--counts "5000 10000 18000"] [--targets "ours relay"] [--users 300 (0: one per connection)]
#                        [--rate 400] [--settle 15] [--samples 5] [--repeat 1] [--out DIR] [--smoke]
# --smoke: 200 connections of 20 users, short waits; prints TAP lines (a target that held them is ok; no size asserted).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
counts="5000 10000 18000" targets="ours relay" users=300 rate=400 settle=15 samples=5 repeat=1 smoke=0
out=/tmp/im-connections-$(date +%Y%m%d-%H%M%S)
while [ $# -gt 0 ]; do
    case $1 in
        --counts) counts=$2; shift 2 ;; --targets) targets=$2; shift 2 ;; --users) users=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;; --settle) settle=$2; shift 2 ;; --samples) samples=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;; --out) out=$2; shift 2 ;;
        --smoke) smoke=1 counts=200 users=20 settle=2 samples=2; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "connections.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
say() { echo "connections: $*" >&2; }
die() { say "$*"; [ "$smoke" = 0 ] || { echo "not ok 1 - $*"; echo "# pass 0"; echo "# fail 1"; }; exit 1; }
mkdir -p "$out/logs"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
api_key="idle-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null; done; sleep 1; for pid in "${pids[@]}"; do kill -KILL "$pid" 2> /dev/null; done; wait 2> /dev/null; }
trap cleanup EXIT
free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }

# ---- what the targets need
installed="$here/idle/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/idle/package-lock.json" -nt "$installed" ]; then
    say "npm ci in bench/idle"; (cd "$here/idle" && npm ci --no-audit --no-fund) > "$out/logs/npm-idle.log" 2>&1 || die "npm ci in bench/idle failed"
fi
for project in src/Gateway/Gateway.csproj bench/relay/Relay.csproj; do
    say "building $project (Release)"
    (cd "$repo" && dotnet build "$project" -c Release -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false) > "$out/logs/build.log" 2>&1 || { tail -n 20 "$out/logs/build.log" >&2; die "the build of $project failed"; }
done
gateway_dll=$(find "$repo/src/Gateway/bin/Release" -name Im.Orleans.Gateway.dll -path '*/net*/*' | head -n 1)
relay_dll=$(find "$repo/bench/relay/bin/Release" -name Im.Orleans.Bench.Relay.dll -path '*/net*/*' | head -n 1)

start() { # TARGET PORT COUNT: a plain child, so $! is the server's pid
    local log=$out/logs/$1-$3-$run.log
    case $1 in
        ours) data=$(mktemp -d "$out/data-XXXXXX")
            # The caps that would refuse COUNT connections from loopback, lifted: the gateway's hub cap (derived from
            # the 20,000 open files: 15,876) with a smaller reserve and HTTP share, and the per-user cap of 20.
            Logging__LogLevel__Default=Warning dotnet "$gateway_dll" --urls "http://127.0.0.1:$2" --Data:Directory "$data" \
                --Limits:MaxConnections $(($3 + 100)) --Limits:FileDescriptorReserve 400 --Limits:HttpConnections 1000 \
                --Chat:Users:MaxConnectionsPerUser 100000 --Auth:ApiKeys:0 "$api_key" > "$log" 2>&1 < /dev/null & ;;
        relay) Logging__LogLevel__Default=Warning dotnet "$relay_dll" --urls "http://127.0.0.1:$2" > "$log" 2>&1 < /dev/null & ;;
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
    say "pid $1 did not stop within 20 s: SIGKILL"; kill -KILL "$1" 2> /dev/null
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2> /dev/null; }
rss_median() { # PID: the median of $samples readings one second apart (KB)
    local values=()
    for _ in $(seq 1 "$samples"); do values+=("$(rss_kb "$1")"); sleep 1; done
    printf '%s\n' "${values[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
field() { node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(s[process.argv[2]] ?? "")' "$1" "$2" 2> /dev/null; }

say "results and logs in $out"
: > "$out/results.jsonl"
failures=0
for run in $(seq 1 "$repeat"); do
for count in $counts; do
    for target in $targets; do
        port=$(free_port)
        start "$target" "$port" "$count" || { say "$target did not start"; failures=$((failures + 1)); continue; }
        sleep 3 # start-up work (JIT, the silo's first timers) out of the way before the idle reading
        before=$(rss_median "$server_pid")
        status=$out/status-$target-$count-$run.json
        key_args=(); [ "$target" = ours ] && key_args=(--api-key "$api_key")
        node "$here/idle/idle.js" --url "http://127.0.0.1:$port" --connections "$count" --users "$users" --rate "$rate" \
            --status "$status" --label "$target" "${key_args[@]}" > "$out/logs/idle-$target-$count-$run.json" 2> "$out/logs/idle-$target-$count-$run.log" &
        holder=$!; pids+=("$holder")
        deadline=$((SECONDS + count / rate * 3 + 120))
        until [ -f "$status" ] && [ "$(field "$status" done)" = true ]; do
            kill -0 "$holder" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ] || break
            sleep 1
        done
        sleep "$settle"
        after=$(rss_median "$server_pid")
        open=$(field "$status" open); failed=$(field "$status" failed); closed=$(field "$status" closed)
        fds=$(ls "/proc/$server_pid/fd" 2> /dev/null | wc -l)
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        kill -TERM "$holder" 2> /dev/null; wait "$holder" 2> /dev/null
        stop "$server_pid"
        [ -n "$open" ] && [ "${open:-0}" -gt 0 ] || { say "$target: no connection held (see $out/logs/idle-$target-$count-$run.log)"; failures=$((failures + 1)); continue; }
        per=$(awk -v a="$after" -v b="$before" -v n="$open" 'BEGIN { printf "%.1f", (a - b) / n }')
        line="{\"target\":\"$target\",\"connections\":$count,\"open\":$open,\"failed\":${failed:-0},\"closed\":${closed:-0},\"users\":$users,\"rssBeforeKB\":$before,\"rssAfterKB\":$after,\"kbPerConnection\":$per,\"fds\":$fds,\"loadavg\":\"$load\",\"run\":$run}"
        echo "$line" | tee -a "$out/results.jsonl"
        say "$target $count: $open open, RSS $before → $after KB, $per KB per connection (load $load)"
    done
done
done

node - "$out/results.jsonl" <<'EOF'
const rows = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const counts = [...new Set(rows.map((r) => r.connections))];
const targets = [...new Set(rows.map((r) => r.target))];
console.log(`\n| target | ${counts.map((c) => `${c} idle: KB/conn (RSS MB before → after)`).join(" | ")} |`);
console.log(`|---|${counts.map(() => "---").join("|")}|`);
for (const t of targets) {
  const cells = counts.map((c) => {
    const rs = rows.filter((r) => r.target === t && r.connections === c);
    if (!rs.length) return "—";
    const m = rs.find((r) => r.kbPerConnection === median(rs.map((x) => x.kbPerConnection)));
    const held = m.open < c ? `, ${m.open} held` : "";
    return `${m.kbPerConnection} KB (${(m.rssBeforeKB / 1024).toFixed(0)} → ${(m.rssAfterKB / 1024).toFixed(0)}${held})${rs.length > 1 ? ` median of ${rs.length}` : ""}`;
  });
  console.log(`| ${t} | ${cells.join(" | ")} |`);
}
EOF

if [ "$smoke" = 1 ]; then
    n=0 pass=0
    for target in $targets; do
        n=$((n + 1))
        if grep -q "\"target\":\"$target\"" "$out/results.jsonl"; then echo "ok $n - $target held idle connections"; pass=$((pass + 1)); else echo "not ok $n - $target held no idle connection"; fi
    done
    echo "# pass $pass"; echo "# fail $((n - pass))"
    [ "$pass" = "$n" ]; exit
fi
[ "$failures" = 0 ]
