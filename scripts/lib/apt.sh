# Shared by the scripts/ensure-* installers (source it): root or sudo, and apt-get installs that start no service.

# Runs a command as root: directly when we are root, through sudo otherwise. $installer names the caller in errors.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo > /dev/null 2>&1; then
        sudo "$@"
    else
        echo "${installer:-install}: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

# Installs Debian packages. With --no-services a policy-rc.d answering 101 keeps the package scripts from starting
# the system's own instance (PostgreSQL on 5432, nginx on 80): we run our own servers on our own ports.
apt_install() {
    local no_services=false
    if [ "${1:-}" = "--no-services" ]; then no_services=true; shift; fi
    as_root apt-get update
    if $no_services && [ ! -e /usr/sbin/policy-rc.d ]; then
        as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}
