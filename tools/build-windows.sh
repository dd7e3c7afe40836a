#!/usr/bin/env bash
# Cross-compiles okta-bulk.exe and okta-mock.exe for 64-bit Windows on Debian 12 with MinGW-w64.
#
#   bash tools/build-windows.sh            # -> build-win/okta/tools/okta-bulk.exe ...
#   bash tools/build-windows.sh --deps     # only the toolchain and the cross-built libraries
#   bash tools/build-windows.sh --cached   # exit 0 when the cross-built libraries for the current
#                                          # key are in the cache (installs and builds nothing)
#   bash tools/build-windows.sh --print-prefix   # the cache directory for the current key
#
# What it does, each step skipped when its result is already there (a rerun is quick):
#   1. apt-get installs g++-mingw-w64-x86-64-posix (the posix thread model: std::thread and
#      std::mutex, which Asio uses, need it), cmake, ninja, libboost-dev and wine64 (for
#      tools/windows_test.sh).
#   2. Adds a deb-src line for Debian's archive and `apt-get source`s openssl and simdjson, so the
#      Windows binary is built from the same sources as Debian's own packages.
#   3. Builds OpenSSL (Configure target mingw64, static, no tests) and simdjson (static) with the
#      cross compiler into a cache outside the build tree,
#      ${OKTA_BULK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/okta-bulk}/mingw-KEY, where KEY is made
#      of the Debian source versions of openssl and simdjson that apt-get source fetches, the
#      MinGW-w64 compiler and runtime package versions, and RECIPE below: a clean clone on the
#      same machine reuses it, a new version of any of them (or of the recipe) builds a new one.
#   4. Configures this project with cmake/mingw-w64.cmake and builds the two .exe files, linked
#      statically (libstdc++, libgcc, winpthread, OpenSSL, simdjson): they need no DLL beside them.
# Boost is used header-only (Asio, Beast, and the header-only parts of the rest): Debian 12's libboost1.81-dev,
# /usr/include/boost serves the cross build as it is; no compiled Boost library is linked.
#
# Environment: BUILD_DIR (default build-win), JOBS (default 2; the OpenSSL build is the long one),
# SKIP_APT=1 to skip step 1 and 2's package installs (when they are known to be there),
# OKTA_BULK_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/okta-bulk).
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-win}
JOBS=${JOBS:-2}
CACHE=${OKTA_BULK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/okta-bulk}
SRC=$CACHE/src
HOST=x86_64-w64-mingw32
# Bump when the way the libraries are configured or built changes: the cache key includes it.
RECIPE=1
export CC=$HOST-gcc-posix CXX=$HOST-g++-posix

say() { printf '== %s\n' "$*" >&2; }

# The newest source version apt knows for a source package (what `apt-get source NAME` fetches);
# empty when there is no deb-src entry yet.
source_version() {
  local best="" v
  for v in $(apt-cache showsrc --only-source "$1" 2>/dev/null | awk '/^Version:/ {print $2}'); do
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done
  printf '%s' "$best"
}
upstream_version() { local v=${1#*:}; printf '%s' "${v%-*}"; }

# KEY: prints it, or fails when a part is unknown (toolchain not installed, no deb-src entry).
cache_key() {
  local ossl simd gcc rt
  ossl=$(source_version openssl); simd=$(source_version simdjson)
  gcc=$(dpkg-query -W -f='${Version}' g++-mingw-w64-x86-64-posix 2>/dev/null || true)
  rt=$(dpkg-query -W -f='${Version}' mingw-w64-x86-64-dev 2>/dev/null || true)
  [ -n "$ossl" ] && [ -n "$simd" ] && [ -n "$gcc" ] && [ -n "$rt" ] || return 1
  printf 'openssl-%s simdjson-%s gcc-%s mingw-%s recipe-%s' "$ossl" "$simd" "$gcc" "$rt" "$RECIPE" \
    | sha256sum | cut -c1-16
}
prefix_complete() {
  [ -f "$1/lib/libssl.a" ] && [ -f "$1/lib/libcrypto.a" ] && [ -f "$1/lib/libsimdjson.a" ]
}

case "${1:-}" in
  --cached)
    key=$(cache_key) || exit 1
    if prefix_complete "$CACHE/mingw-$key"; then exit 0; else exit 1; fi ;;
  --print-prefix)
    key=$(cache_key) || { echo "build-windows.sh: no cache key yet (toolchain or deb-src missing)" >&2; exit 1; }
    echo "$CACHE/mingw-$key"; exit 0 ;;
esac

install_packages() {
  [ "${SKIP_APT:-0}" = 1 ] && return 0
  local need=()
  for p in g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix cmake ninja-build libboost1.81-dev \
           dpkg-dev wine64 perl make; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
      --no-install-recommends "${need[@]}"
  fi
}

# Debian's source packages: a deb-src entry beside the deb one, then apt-get source.
ensure_deb_src() {
  if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding a deb-src entry for Debian's archive"
    cat > /etc/apt/sources.list.d/okta-bulk-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get -o DPkg::Lock::Timeout=600 update -q
  fi
}

tarball_of() {  # tarball_of NAME VERSION -> the upstream tarball's path, or fails
  ls "$SRC"/"$1"_"$(upstream_version "$2")".orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1
}

fetch_sources() {
  mkdir -p "$SRC"
  if tarball_of openssl "$OPENSSL_VERSION" >/dev/null && tarball_of simdjson "$SIMDJSON_VERSION" >/dev/null; then
    return 0
  fi
  say "apt-get source openssl=$OPENSSL_VERSION simdjson=$SIMDJSON_VERSION"
  # --download-only: the upstream tarball is what is built (Debian's patches are packaging and
  # Linux paths). A security-archive .dsc can be missing from a mirror while its .orig tarball is
  # there, so a failure is only fatal when no tarball came.
  (cd "$SRC" && apt-get source --download-only "openssl=$OPENSSL_VERSION") || true
  (cd "$SRC" && apt-get source --download-only "simdjson=$SIMDJSON_VERSION") || true
  tarball_of openssl "$OPENSSL_VERSION" >/dev/null || { say "no openssl_$(upstream_version "$OPENSSL_VERSION").orig tarball came"; exit 1; }
  tarball_of simdjson "$SIMDJSON_VERSION" >/dev/null || { say "no simdjson_$(upstream_version "$SIMDJSON_VERSION").orig tarball came"; exit 1; }
}

unpack() {  # unpack NAME VERSION -> prints the source directory (in the build dir)
  local name=$1 tarball dir
  tarball=$(tarball_of "$name" "$2")
  dir=$BUILD_DIR/src/$name-$(upstream_version "$2")
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir.tmp"
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xf "$tarball" -C "$dir.tmp" --strip-components=1 >&2
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

build_openssl() {
  [ -f "$PREFIX/lib/libssl.a" ] && [ -f "$PREFIX/lib/libcrypto.a" ] && return 0
  local dir
  dir=$(unpack openssl "$OPENSSL_VERSION")
  say "building OpenSSL for $HOST (-j$JOBS; the long step, once)"
  (
    cd "$dir"
    # CC is given whole (the posix-thread gcc); the Configure target adds -DWIN32 etc.
    ./Configure mingw64 no-shared no-tests no-module no-engine \
      --prefix="$PREFIX" --libdir=lib --openssldir="$PREFIX/ssl" \
      CC="$CC" AR=$HOST-ar RANLIB=$HOST-ranlib RC=$HOST-windres
    make -j"$JOBS" build_libs
    make install_dev
  )
}

build_simdjson() {
  [ -f "$PREFIX/lib/libsimdjson.a" ] && return 0
  local dir
  dir=$(unpack simdjson "$SIMDJSON_VERSION")
  say "building simdjson for $HOST"
  cmake -S "$dir" -B "$BUILD_DIR/simdjson-build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DBUILD_SHARED_LIBS=OFF \
    -DSIMDJSON_DEVELOPER_MODE=OFF -DSIMDJSON_ENABLE_THREADS=ON
  ninja -C "$BUILD_DIR/simdjson-build" -j"$JOBS"
  ninja -C "$BUILD_DIR/simdjson-build" install
}

build_project() {
  say "building okta-bulk.exe and okta-mock.exe"
  # Boost's headers alone (not the rest of the build machine's /usr/include, glibc's).
  mkdir -p "$PREFIX/include"
  ln -sfn /usr/include/boost "$PREFIX/include/boost"
  # ccache when there is one, with paths taken relative to the checkout: a clean clone
  # elsewhere (CI's) reuses what an earlier build compiled (Beast's files are the slow ones).
  local launcher=()
  if command -v ccache >/dev/null; then
    export CCACHE_BASEDIR=$ROOT
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S "$ROOT" -B "$BUILD_DIR/okta" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DOKTA_BULK_WINDOWS_PREFIX="$PREFIX" "${launcher[@]}" \
    -DOKTA_BULK_TESTS=OFF -DOKTA_BULK_BENCH=OFF
  ninja -C "$BUILD_DIR/okta" -j"$JOBS" okta-bulk okta-mock platform-check
  ls -l "$BUILD_DIR/okta/tools/okta-bulk.exe" "$BUILD_DIR/okta/tools/okta-mock.exe" >&2
}

install_packages
ensure_deb_src
OPENSSL_VERSION=$(source_version openssl)
SIMDJSON_VERSION=$(source_version simdjson)
KEY=$(cache_key)
PREFIX=$CACHE/mingw-$KEY
mkdir -p "$BUILD_DIR" "$PREFIX"
say "cross-built libraries: $PREFIX (openssl $OPENSSL_VERSION, simdjson $SIMDJSON_VERSION)"
fetch_sources
build_openssl
[ "${1:-}" = --openssl-only ] && exit 0
build_simdjson
[ "${1:-}" = --deps ] && exit 0
build_project
