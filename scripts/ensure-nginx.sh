#!/usr/bin/env bash
# Makes sure the nginx binary exists, for the load balancer that scripts/cluster.sh and test/deploy/run.sh run
# as an ordinary process (nginx -p DIR). Idempotent; starts no service and leaves no default site running.
set -euo pipefail

installer=ensure-nginx
# shellcheck source=lib/apt.sh
. "$(dirname "$0")/lib/apt.sh"

find_nginx() {
    command -v nginx 2> /dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

if [ -z "$(find_nginx)" ]; then
    echo "ensure-nginx: installing nginx" >&2
    apt_install --no-services nginx
fi

nginx_path=$(find_nginx)
if [ -z "$nginx_path" ]; then
    echo "ensure-nginx: no nginx binary after installing it" >&2
    exit 1
fi
echo "$nginx_path"
