#!/usr/bin/env bash
# Runs a command inside an existing cgroup v1 directory, so the process starts there and the .NET runtime sizes itself
# (processor count, GC heaps, thread pool) for that group's CPU quota, as it would in a container with a CPU limit.
#   bench/cgroup-exec.sh DIR_PREFIX NAME COMMAND [ARG...]     joins DIR_PREFIX-NAME, then execs COMMAND
# scripts/cluster.sh calls it as SILO_WRAPPER (bench/scale.sh): NAME is silo<N>.
set -uo pipefail
[ $# -ge 3 ] || { sed -n '2,5p' "$0" >&2; exit 2; }
dir=$1-$2
shift 2
echo $$ > "$dir/cgroup.procs" || { echo "cgroup-exec: cannot join $dir" >&2; exit 1; }
exec "$@"
