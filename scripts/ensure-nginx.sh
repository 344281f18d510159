#!/usr/bin/env bash
# Makes sure the nginx binary exists, for the load balancer that scripts/cluster.sh and test/deploy/run.sh run
# as an ordinary process (nginx -p DIR). Idempotent; starts no service and leaves no default site running.
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo > /dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-nginx: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

find_nginx() {
    command -v nginx 2> /dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

if [ -z "$(find_nginx)" ]; then
    echo "ensure-nginx: installing nginx" >&2
    as_root apt-get update
    # A policy-rc.d answering 101 stops the package scripts from starting the system nginx on port 80: we run
    # our own instances on our own ports.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx
fi

nginx_path=$(find_nginx)
if [ -z "$nginx_path" ]; then
    echo "ensure-nginx: no nginx binary after installing it" >&2
    exit 1
fi
echo "$nginx_path"
