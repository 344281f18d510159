#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/e2e, driven by playwright-core).
# Idempotent; never downloads a browser build of its own: the Debian package is the only source.
set -euo pipefail

browser=/usr/bin/chromium

installer=ensure-browser
# shellcheck source=lib/apt.sh
. "$(dirname "$0")/lib/apt.sh"

if [ ! -x "$browser" ]; then
    echo "ensure-browser: installing chromium" >&2
    apt_install chromium fonts-liberation fonts-noto-color-emoji
fi

if [ ! -x "$browser" ]; then
    echo "ensure-browser: no $browser after installing chromium" >&2
    exit 1
fi

echo "$browser"
