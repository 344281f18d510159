#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl, postgres) and the "postgres" OS user exist, for the
# throwaway servers the tests start (test/Shared/PostgresServer.cs). Idempotent; starts no service.
set -euo pipefail

have_binaries() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null
}

installer=ensure-postgres
# shellcheck source=lib/apt.sh
. "$(dirname "$0")/lib/apt.sh"

if ! have_binaries; then
    echo "ensure-postgres: installing postgresql" >&2
    apt_install --no-services postgresql
fi

if ! have_binaries; then
    echo "ensure-postgres: no /usr/lib/postgresql/*/bin/initdb after installing postgresql" >&2
    exit 1
fi

if ! id -u postgres > /dev/null 2>&1; then
    as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash --user-group postgres
fi

ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1
