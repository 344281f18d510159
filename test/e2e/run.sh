#!/usr/bin/env bash
# End-to-end tests: the real gateway process driven by the official SignalR client (all three transports) and by
# Chromium (playwright-core with Debian's /usr/bin/chromium). Exit code = test result.
# Installs what is missing: Node packages (npm ci from the lockfile) and Chromium (scripts/ensure-browser.sh).
# Builds the gateway and the silo (Release) only when their dlls are missing; ./test.sh builds the solution before it runs this.
set -uo pipefail
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)

if [ ! -d node_modules/@microsoft/signalr ] || [ ! -d node_modules/@microsoft/signalr-protocol-msgpack ] || [ ! -d node_modules/playwright-core ]; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi \
        || { echo "e2e: npm install failed"; exit 1; }
fi

"$repo/scripts/ensure-browser.sh" > /dev/null || { echo "e2e: no Chromium"; exit 1; }

for app in Gateway Silo; do
    if [ ! -f "$repo/src/$app/bin/Release/net10.0/Im.Orleans.$app.dll" ]; then
        (cd "$repo" && dotnet build "src/$app" -c Release -nologo -v quiet) || { echo "e2e: $app build failed"; exit 1; }
    fi
done

rm -rf artifacts/logs   # gateway logs of the previous run
mkdir -p artifacts
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(*.test.js)
node --test --test-concurrency=1 "${files[@]}"
