#!/usr/bin/env bash
# The real parts the integration tests use: a Mosquitto broker, socat pty pairs and Chromium (Debian packages).
# Installs the missing ones with apt-get (as root, or through sudo); elsewhere says what to install.
set -euo pipefail

need=()
command -v socat >/dev/null 2>&1 || need+=(socat)
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
# The browser tests (test/e2e) drive Debian's Chromium through playwright-core.
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${need[*]}. Install them with your package manager (e.g. brew install ${need[*]})." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "The tests need: ${need[*]}. Run: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
echo "Installing ${need[*]} for the integration and browser tests..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
