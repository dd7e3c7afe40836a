#!/usr/bin/env bash
# Installs okta-bulk's build and test dependencies from Debian 12 packages (run as root, or
# with sudo available). Does nothing when they are all present already.
set -euo pipefail
# chromium: the tests render the --report HTML in it headless (offline) to check the charts.
# zsh, fish, groff-base: CompletionTest loads the zsh and fish completions in those shells and
# renders the man page with groff (each check is skipped, with a note, when its program is
# missing).
packages=(g++ cmake ninja-build pkg-config libboost1.81-dev libssl-dev libsimdjson-dev
          libfccp-dev libgtest-dev libgmock-dev libbenchmark-dev openssl ca-certificates curl
          chromium zsh fish groff-base)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
