#!/usr/bin/env bash
# Installs Debian's chromium for the portal's end-to-end tests (issue #15), which
# drive it with playwright-core (executablePath /usr/bin/chromium). Idempotent: it
# does nothing when the browser is there. Needs root (CI runs as root); without
# it, it says so and exits 0 so the browser tests skip with their own message.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: /usr/bin/chromium is missing and this is not root; the browser tests will be skipped"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null \
  || { echo "install-browser: apt-get install chromium failed; the browser tests will be skipped"; exit 0; }
/usr/bin/chromium --version
