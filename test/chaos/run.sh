#!/usr/bin/env bash
# The fault and abuse harness (README.md): `run.sh` runs the short form (part of ./test.sh), `run.sh --long` the long
# one; other arguments go to harness.js (--seed=N, --only=fuzz,tokens,access,floods,churn,connflood,faults).
# Exit code = the assertions' result. Installs what is missing, like test/e2e/run.sh: test/e2e's Node packages (the one
# npm install both harnesses use), PostgreSQL (scripts/ensure-postgres.sh); builds the gateway and the silo (Release)
# only when their dlls are missing; ./test.sh builds the solution before it runs this.
set -uo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)

if [ ! -d ../e2e/node_modules/@microsoft/signalr ] || [ ! -d ../e2e/node_modules/ws ]; then
    (cd ../e2e && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi) \
        || { echo "chaos: npm install failed"; exit 1; }
fi

if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
    "$repo/scripts/ensure-postgres.sh" > /dev/null || { echo "chaos: no PostgreSQL"; exit 1; }
fi

for app in Gateway Silo; do
    if [ ! -f "$repo/src/$app/bin/Release/net10.0/Im.Orleans.$app.dll" ]; then
        (cd "$repo" && dotnet build "src/$app" -c Release -nologo -v quiet) || { echo "chaos: $app build failed"; exit 1; }
    fi
done

# The connection flood (long form) holds tens of thousands of sockets: let this process and its children open as many
# files as the machine allows.
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true

# Logs of every process the harness starts go to test/chaos/artifacts/logs (lib/paths.js), apart from test/e2e's.
export E2E_ARTIFACTS_DIR="$PWD/artifacts"
rm -rf artifacts/logs
mkdir -p artifacts
form=--short
args=()
for a in "$@"; do case "$a" in --long|--short) form=$a ;; *) args+=("$a") ;; esac; done
exec node --test-reporter=tap harness.js "$form" "${args[@]}"
