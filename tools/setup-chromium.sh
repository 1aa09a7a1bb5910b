#!/bin/sh
# `make test`: the browser tests (tests/browser) drive Debian's `chromium` through Playwright, which
# cannot download its own browsers here. Install the system one when it is missing: as root, or through
# sudo. In CI (CI set) a browser still missing afterwards is an error; elsewhere only a warning, and the
# browser tests are skipped.
set -u

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

install="apt-get install -y --no-install-recommends chromium"
hint="as root run: apt-get update && $install"
if ! command -v apt-get >/dev/null 2>&1; then
    hint="install Chromium so that \`chromium\` is on PATH"
elif [ "$(id -u)" = 0 ]; then
    echo "kanbo: installing Debian's chromium for the browser tests (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive $install -qq >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    # Only a sudo that needs no password: `make test` never stops to ask for one.
    echo "kanbo: installing Debian's chromium for the browser tests (sudo apt-get)" >&2
    sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive $install -qq >/dev/null
fi

if command -v chromium >/dev/null 2>&1; then
    chromium --version >&2 2>/dev/null  # (Debian's launcher script may complain about /dev/shm here)
    exit 0
fi
if [ -n "${CI:-}" ]; then
    echo "kanbo: error: CI is set and \`chromium\` is missing, so the browser tests cannot run: $hint" >&2
    exit 1
fi
echo "kanbo: warning: \`chromium\` is missing, so the browser tests (tests/browser) will be skipped: $hint" >&2
