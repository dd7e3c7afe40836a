#!/usr/bin/env bash
# Builds the Debian package dist/okta-bulk_<version>_<arch>.deb: a Release build of
# okta-bulk, okta-mock and gen-users with their man pages and shell completions, packed by
# CPack, whose Depends line dpkg-shlibdeps computes from the libraries the binaries link.
#   tools/package.sh          (BUILD_DIR=... to build elsewhere than build-package/)
# Then: apt install ./dist/okta-bulk_*.deb
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-package}"
"$root/tools/install-deps.sh"
# dpkg-shlibdeps (dpkg-dev) and file, which CPack's DEB generator uses to find the binaries.
missing=()
for p in dpkg-dev file; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# ccache when installed, paths taken relative to the checkout: a fresh clone (CI's) recompiles
# only what changed since a build on this machine.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOKTA_BULK_BENCH=OFF \
  -DOKTA_BULK_TESTS=OFF -DOKTA_BULK_SANITIZE=OFF "${launcher[@]}" >/dev/null
ninja -C "$build" ${JOBS:+-j "$JOBS"}  # JOBS=2 on a shared machine
mkdir -p "$root/dist"
(cd "$build" && cpack -G DEB -B "$build/cpack" >/dev/null)
deb="$(ls -t "$build"/cpack/okta-bulk_*.deb | head -1)"
cp "$deb" "$root/dist/"
echo "$root/dist/$(basename "$deb")"
