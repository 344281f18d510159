#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres) and the "postgres" OS user exist, for the
# throwaway servers the tests start (test/Shared/PostgresServer.cs). Idempotent; starts no service.
set -euo pipefail

have_binaries() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo > /dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-postgres: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

if ! have_binaries; then
    echo "ensure-postgres: installing postgresql" >&2
    as_root apt-get update
    # A policy-rc.d answering 101 stops the package scripts from starting the default cluster: the tests run
    # their own throwaway servers and nothing should listen on 5432.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi

if ! have_binaries; then
    echo "ensure-postgres: no /usr/lib/postgresql/*/bin/initdb after installing postgresql" >&2
    exit 1
fi

if ! id -u postgres > /dev/null 2>&1; then
    as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash --user-group postgres
fi

ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1
