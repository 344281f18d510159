#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/e2e, driven by playwright-core).
# Idempotent; never downloads a browser build of its own: the Debian package is the only source.
set -euo pipefail

browser=/usr/bin/chromium

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo > /dev/null 2>&1; then
        sudo "$@"
    else
        echo "ensure-browser: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

if [ ! -x "$browser" ]; then
    echo "ensure-browser: installing chromium" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-liberation fonts-noto-color-emoji
fi

if [ ! -x "$browser" ]; then
    echo "ensure-browser: no $browser after installing chromium" >&2
    exit 1
fi

echo "$browser"
