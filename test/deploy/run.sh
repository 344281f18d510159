#!/usr/bin/env bash
# Tests the deployment files without a Docker engine: publishes the silo and the gateway as docker/Dockerfile.*
# do, starts them with each service's environment from docker/compose.yaml (service names -> 127.0.0.1, ports ->
# free local ones) against a throwaway PostgreSQL with the compose credentials, puts nginx rendered from
# docker/nginx.conf.template in front, and checks readiness, sign-up, shared tokens, affinity, failover and drain.
# Prints "ok"/"not ok" per check and "# pass N" / "# fail N"; exits non-zero on any failure. KEEP=1 keeps the files.
# DEPLOY_BUILD_ARGS adds arguments to restore and publish (e.g. --artifacts-path DIR to build beside another build).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
compose=$repo/docker/compose.yaml
work=$(mktemp -d /tmp/im-deploy-test-XXXXXX)
chmod 755 "$work" # nginx workers (nobody, when we are root) and the postgres user enter it
read -r -a build_args <<< "${DEPLOY_BUILD_ARGS:-}"
pids=()
pg_bin=
passed=0
failed=0

say() { echo "# $*"; }
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

as_postgres() { if [ "$(id -u)" -eq 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi; }

cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2> /dev/null || true; done
    if [ -n "$pg_bin" ] && [ -f "$work/pg/data/postmaster.pid" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop > /dev/null 2>&1 || true
    fi
    if [ "${KEEP:-0}" = 1 ] || [ "$failed" -gt 0 ]; then say "files and logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

compose_env() { python3 "$repo/test/deploy/compose_env.py" "$compose" "$@"; }

# Starts a program with a compose service's environment (plus extra KEY=VALUE lines) and records its pid.
start() {
    local name=$1 service=$2; shift 2
    local -a settings=()
    mapfile -t settings < <(compose_env "$service" --replace "Port=5432" "Port=$pg_port" "${compose_args[@]}")
    printf '%s\n' "${settings[@]}" > "$work/$name.env"
    env "${settings[@]}" Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.Hosting.Lifetime=Information \
        "$@" > "$work/$name.log" 2>&1 < /dev/null &
    pids+=($!)
    eval "pid_$name=$!"
}

eventually() { # seconds command...: true once the command succeeds (views refresh about every second)
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.3
    done
}

active_silos_are() { curl -fsS --max-time 2 "http://127.0.0.1:${http[$1]}/health/ready" 2> /dev/null | grep -q "\"activeSilos\":$2[,}]"; }

wait_http() { # url [seconds]: true once the url answers 2xx
    local deadline=$((SECONDS + ${2:-60}))
    until curl -fsS -o /dev/null --max-time 2 "$1" 2> /dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.3
    done
}

publish() { # project output: exactly the Dockerfiles' restore + publish
    dotnet restore "$repo/src/$1/$1.csproj" -v quiet "${build_args[@]}" > "$work/publish-$1.log" 2>&1 &&
        dotnet publish "$repo/src/$1/$1.csproj" -c Release -o "$2" --no-restore -p:UseAppHost=false -nologo -v quiet \
            "${build_args[@]}" >> "$work/publish-$1.log" 2>&1
}

# --- publish
started=$SECONDS
check "dotnet publish src/Silo as docker/Dockerfile.silo does" publish Silo "$work/silo"
check "dotnet publish src/Gateway as docker/Dockerfile.gateway does" publish Gateway "$work/gateway"
[ "$failed" -eq 0 ] || { tail -n 30 "$work"/publish-*.log; exit 1; }
say "published in $((SECONDS - started)) s"

# --- PostgreSQL with the compose service's user, password and database
"$repo/scripts/ensure-postgres.sh" > /dev/null
nginx=$("$repo/scripts/ensure-nginx.sh" | tail -n 1)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
declare -A pg
while IFS='=' read -r key value; do pg[$key]=$value; done < <(compose_env postgres)
pg_port=$(free_port)
mkdir -p "$work/pg"
printf '%s\n' "${pg[POSTGRES_PASSWORD]}" > "$work/pg/password"
[ "$(id -u)" -ne 0 ] || chown -R postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U "${pg[POSTGRES_USER]}" --pwfile="$work/pg/password" -A scram-sha-256 \
    --no-sync -E UTF8 --locale=C --no-instructions > /dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $pg_port -k $work/pg -c fsync=off" start > /dev/null
as_postgres env PGPASSWORD="${pg[POSTGRES_PASSWORD]}" "$pg_bin/createdb" \
    -h 127.0.0.1 -p "$pg_port" -U "${pg[POSTGRES_USER]}" "${pg[POSTGRES_DB]}"
say "PostgreSQL on 127.0.0.1:$pg_port as ${pg[POSTGRES_USER]} (password auth), database ${pg[POSTGRES_DB]}"

# --- a silo without a database refuses to start, naming the setting
refusal=$(cd "$work" && timeout 30 dotnet "$work/silo/Im.Orleans.Silo.dll" 2>&1) && refused=0 || refused=$?
check "a silo without a connection string exits non-zero naming Cluster:ConnectionString" \
    test "$refused" -ne 0 -a "$(grep -c 'Cluster:ConnectionString' <<< "$refusal")" -ge 1

# --- silos (silo1 first: it creates the schema), then gateways, as compose's depends_on orders them
declare -A http tcp gw
for node in silo1 silo2 gateway1 gateway2; do http[$node]=$(free_port); done
for node in silo1 silo2; do tcp[$node]=$(free_port); gw[$node]=$(free_port); done
for node in silo1 silo2; do
    # Containers have a host each; here both silos share one, so each gets its own ports.
    compose_args=(--set "Cluster__Port=${tcp[$node]}" --set "Cluster__GatewayPort=${gw[$node]}")
    start "$node" "$node" dotnet "$work/silo/Im.Orleans.Silo.dll" --urls "http://127.0.0.1:${http[$node]}"
    check "$node ready (/health/ready) with compose's environment" wait_http "http://127.0.0.1:${http[$node]}/health/ready" 90
done
check "silo1 sees 2 active silos" eventually 10 active_silos_are silo1 2
check "/health/live answers {\"status\":\"live\"}" test "$(curl -fsS "http://127.0.0.1:${http[silo1]}/health/live")" = '{"status":"live"}'

# Each gateway has a data directory of its own, as compose's gateway1-data/gateway2-data volumes: nothing in it is
# shared (uploads and accounts live in PostgreSQL).
for node in gateway1 gateway2; do
    mkdir -p "$work/$node-data"
    compose_args=(--set "Data__Directory=$work/$node-data")
    start "$node" "$node" dotnet "$work/gateway/Im.Orleans.Gateway.dll" --urls "http://127.0.0.1:${http[$node]}"
done
for node in gateway1 gateway2; do
    check "$node ready (/health/ready) with compose's environment" wait_http "http://127.0.0.1:${http[$node]}/health/ready" 90
done
# Cluster clients, not embedded silos: both gateways heartbeat the cluster's gateway registry, which a silo reports.
live_gateways_are() { curl -fsS --max-time 2 "http://127.0.0.1:${http[silo1]}/health/ready" 2> /dev/null | grep -q "\"gateways\":$1[,}]"; }
check "both gateways joined the cluster as clients (the silo counts 2 live gateways)" eventually 10 live_gateways_are 2

# --- nginx from the template, with the compose service's values pointed at the local gateways
lb_port=$(free_port)
mkdir -p "$work/nginx"
chmod 755 "$work/nginx"
declare -A lb
while IFS='=' read -r key value; do lb[$key]=$value; done < <(compose_env nginx \
    --set "LISTEN_PORT=127.0.0.1:$lb_port" --set "GATEWAY_1=127.0.0.1:${http[gateway1]}" --set "GATEWAY_2=127.0.0.1:${http[gateway2]}")
LISTEN_PORT=${lb[LISTEN_PORT]} GATEWAY_1=${lb[GATEWAY_1]} GATEWAY_2=${lb[GATEWAY_2]} \
    envsubst '${LISTEN_PORT} ${GATEWAY_1} ${GATEWAY_2}' < "$repo/docker/nginx.conf.template" > "$work/nginx/nginx.conf"
check "nginx -t accepts the rendered docker/nginx.conf.template" \
    "$nginx" -t -q -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e stderr
"$nginx" -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e stderr -g 'daemon off;' > "$work/nginx.log" 2>&1 < /dev/null &
pids+=($!)
check "nginx answers /lb/health" wait_http "http://127.0.0.1:$lb_port/lb/health" 15
lb_url=http://127.0.0.1:$lb_port

# --- a user signs up through nginx; the token works on both gateways (shared Auth:SigningKey)
user="deploy$RANDOM$RANDOM"
register=$(curl -sS -D "$work/register.headers" -H 'Content-Type: application/json' \
    -d "{\"userId\":\"$user\",\"password\":\"deploy-password-1\",\"displayName\":\"Deploy\"}" "$lb_url/api/auth/register" || true)
token=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1]).get("token", ""))' "$register" 2> /dev/null || true)
check "POST /api/auth/register through nginx issues a token" test -n "$token"
negotiate() { curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" "$1/hubs/chat/negotiate?negotiateVersion=1"; }
check "the hub accepts the token through nginx (negotiate 200)" test "$(negotiate "$lb_url")" = 200
check "gateway1 accepts the token (negotiate 200)" test "$(negotiate "http://127.0.0.1:${http[gateway1]}")" = 200
check "gateway2 accepts the token (negotiate 200)" test "$(negotiate "http://127.0.0.1:${http[gateway2]}")" = 200
login=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"userId\":\"$user\",\"password\":\"deploy-password-1\"}" "http://127.0.0.1:${http[gateway2]}/api/auth/login")
check "the account is shared: login on the other gateway answers 200" test "$login" = 200

# --- affinity: the gateway names itself in im_gw; nginx routes by it and falls back when that gateway is down
set_cookie() { # cookie-value-or-empty -> the im_gw value the response sets (empty when none)
    curl -sS -o /dev/null -D - ${1:+-H "Cookie: im_gw=$1"} "$lb_url/health/live" | tr -d '\r' |
        sed -n 's/^[Ss]et-[Cc]ookie: im_gw=\([^;]*\).*/\1/p'
}
first=$(set_cookie "")
check "a response through nginx sets im_gw (got '${first}')" grep -qE '^gw[12]$' <<< "$first"
check "a client pinned to gw1 reaches gw1 (no new cookie)" test -z "$(set_cookie gw1)"
check "a client pinned to gw2 reaches gw2 (no new cookie)" test -z "$(set_cookie gw2)"
kill -KILL "$pid_gateway1"
wait "$pid_gateway1" 2> /dev/null || true
check "gw1 killed: its client is served by gw2 (cookie moves to gw2)" test "$(set_cookie gw1)" = gw2
check "gw1 killed: sign-in through nginx still works" test "$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"userId\":\"$user\",\"password\":\"deploy-password-1\"}" "$lb_url/api/auth/login")" = 200

# --- graceful drain: SIGTERM makes a silo leave within Silo:ShutdownTimeout and exit 0
drain_started=$SECONDS
kill -TERM "$pid_silo2"
wait "$pid_silo2" && drained=0 || drained=$?
check "silo2 drains on SIGTERM: exit code $drained after $((SECONDS - drain_started)) s" test "$drained" -eq 0
check "silo1 sees 1 active silo after silo2 left" eventually 10 active_silos_are silo1 1

say "deployment checks done in $((SECONDS - started)) s"
if [ "$failed" -gt 0 ]; then
    for log in "$work"/*.log; do echo "--- $log"; tail -n 15 "$log"; done
fi
echo "# pass $passed"
echo "# fail $failed"
[ "$failed" -eq 0 ]
