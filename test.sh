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

# End-to-end and browser tests in Node against the real gateway process, when present.
if [ -x test/e2e/run.sh ]; then
    echo "=== e2e (node)"
    e2e_log=$(mktemp)
    if ! test/e2e/run.sh 2>&1 | tee "$e2e_log"; then failed_projects+=("e2e"); fi
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$e2e_log" | tail -1); f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$e2e_log" | tail -1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    rm -f "$e2e_log"
fi

# The deployment files (Dockerfiles' publish, compose environments, nginx template) checked without a Docker engine.
if [ -x test/deploy/run.sh ]; then
    echo "=== deploy"
    deploy_log=$(mktemp)
    if ! test/deploy/run.sh 2>&1 | tee "$deploy_log"; then failed_projects+=("deploy"); fi
    p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$deploy_log" | tail -1); f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$deploy_log" | tail -1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    rm -f "$deploy_log"
fi

# The runtime benchmark in its quick form: proves it still runs; figures go to the log, not to assertions.
if [ -d bench/Runtime.Benchmarks ]; then
    echo "=== bench (quick)"
    dotnet run -c "$configuration" --no-build --project bench/Runtime.Benchmarks -- --quick || failed_projects+=("bench")
fi

if [ ${#failed_projects[@]} -gt 0 ]; then
    echo "failing projects: ${failed_projects[*]}"
    [ -z "$failed_tests" ] || { echo "failed tests:"; sed 's/^/  /' <<<"$failed_tests"; }
    [ "$failed" -gt 0 ] || failed=${#failed_projects[@]}
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
