#!/usr/bin/env bash
# Install DAISY Ace (the EPUB accessibility checker the tests run) into tools/ace/node_modules,
# at the versions pinned by tools/ace/package-lock.json. No browser is downloaded: install
# scripts are skipped and Ace's puppeteer runs Debian's Chromium (check/ace.py points it there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v npm >/dev/null; then
  # Debian's nodejs comes without npm; NodeSource's brings its own (and conflicts with Debian's npm).
  echo "setup: installing Debian package npm"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
echo "setup: installing DAISY Ace into tools/ace/node_modules"
cd "$here/ace"
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
