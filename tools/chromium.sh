#!/usr/bin/env bash
# Debian's Chromium for the Explorer's browser tests (driven by playwright-core; no browser is ever downloaded).
#
#   tools/chromium.sh   # installs Debian's `chromium` when missing (root + apt-get, non-interactive); prints its path
#
# Idempotent: with Chromium present it only prints the path. Only the path goes to stdout, so
#   export FLOCK_CHROMIUM="$(tools/chromium.sh)"
# works. FLOCK_CHROMIUM, when set to an existing file, is used as is.
set -euo pipefail

die() { echo "chromium.sh: $*" >&2; exit 1; }

if [ -n "${FLOCK_CHROMIUM:-}" ] && [ -x "$FLOCK_CHROMIUM" ]; then echo "$FLOCK_CHROMIUM"; exit 0; fi
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$c" ]; then echo "$c"; exit 0; fi
done

[ "$(id -u)" = 0 ] || die "Chromium is not installed and this is not root: run 'apt-get install -y chromium' first"
command -v apt-get >/dev/null || die "Chromium is not installed and there is no apt-get"
echo "chromium.sh: installing Chromium (apt-get install -y chromium)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || echo "chromium.sh: apt-get update failed; trying the install anyway" >&2
apt-get install -y -qq --no-install-recommends chromium >&2 || die "apt-get install chromium failed"
[ -x /usr/bin/chromium ] || die "apt-get installed chromium but /usr/bin/chromium is missing"
echo /usr/bin/chromium
