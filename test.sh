#!/usr/bin/env bash
# The one test command: installs what is missing, builds everything, runs every suite, and exits non-zero on
# any failure. Test projects start the servers they need (PostgreSQL on a loopback port) themselves.
set -uo pipefail
cd "$(dirname "$0")"

scripts/ensure-postgres.sh || { echo "could not install PostgreSQL"; exit 1; }

configuration=Release
dotnet build Im.Orleans.sln -c "$configuration" -warnaserror -nologo -v quiet || { echo "build failed"; exit 1; }

results=$(mktemp -d)
failed_projects=()
for project in test/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    echo "=== $name"
    if ! dotnet test "$project" -c "$configuration" --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1200000; then
        failed_projects+=("$name")
    fi
done

# One closing line for the whole run, summed over every project's TRX counters.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
    # Name each failed test: CI shows only the tail of the log.
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/\1/p' >> "$results/failed-tests.txt"
done
failed_tests=$(cat "$results/failed-tests.txt" 2>/dev/null)
rm -rf "$results"

# Suites that print TAP-style "# pass N" / "# fail N" summaries; their counts join the closing line.
run_tap_suite() {
    local name=$1 script=$2 log
    shift 2
    [ -x "$script" ] || return 0
    echo "=== $name"
    log=$(mktemp)
    if ! "$script" "$@" 2>&1 | tee "$log"; then failed_projects+=("$name"); fi
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1); f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    failed_tests+=$(grep -E '^ *not ok' "$log" | sed "s/^ */\n$name: /")
    rm -f "$log"
}

# End-to-end and browser tests in Node against real gateway, silo, PostgreSQL and nginx processes; among them the
# desk load test (test/e2e/desk-load.test.js: 300 visitors, 20 agents, two gateways, one killed mid-chat; ~1 min).
run_tap_suite "e2e" test/e2e/run.sh
# The deployment files (Dockerfiles' publish, compose environments, nginx template) checked without a Docker engine.
run_tap_suite "deploy" test/deploy/run.sh
# The fault and abuse harness, short form: fuzzed frames, forged tokens, cross-user access, an unknown-id flood,
# connection churn, and a gateway and a silo SIGKILLed under traffic (test/chaos/README.md; --long for the full run).
run_tap_suite "chaos" test/chaos/run.sh
# The bench, short form: ours, the bare SignalR relay and socket.io + Redis each answer load.js, and the table prints
# (bench/README.md; no speed is asserted in tests).
run_tap_suite "bench" bench/run.sh --smoke

if [ ${#failed_projects[@]} -gt 0 ]; then
    echo "failing projects: ${failed_projects[*]}"
    [ -z "$failed_tests" ] || { echo "failed tests:"; sed 's/^/  /' <<<"$failed_tests"; }
    [ "$failed" -gt 0 ] || failed=${#failed_projects[@]}
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
