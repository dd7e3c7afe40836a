#!/usr/bin/env bash
# Cross-compiles okta-bulk.exe and okta-mock.exe for 64-bit Windows on Debian 12 with MinGW-w64.
#
#   bash tools/build-windows.sh            # -> build-win/okta/tools/okta-bulk.exe ...
#   bash tools/build-windows.sh --deps     # only the toolchain and the cross-built libraries
#
# What it does, each step skipped when its result is already there (a rerun is quick):
#   1. apt-get installs g++-mingw-w64-x86-64-posix (the posix thread model: std::thread and
#      std::mutex, which Asio uses, need it), cmake, ninja, libboost-dev and wine64 (for
#      tools/windows_test.sh).
#   2. Adds a deb-src line for Debian's archive and `apt-get source`s openssl and simdjson, so the
#      Windows binary is built from the same sources as Debian's own packages.
#   3. Builds OpenSSL (Configure target mingw64, static, no tests) and simdjson (static) with the
#      cross compiler into build-win/prefix.
#   4. Configures this project with cmake/mingw-w64.cmake and builds the two .exe files, linked
#      statically (libstdc++, libgcc, winpthread, OpenSSL, simdjson): they need no DLL beside them.
# Boost is used header-only (Asio, Beast, and the header-only parts of the rest): Debian 12's libboost1.81-dev,
# /usr/include/boost serves the cross build as it is; no compiled Boost library is linked.
#
# Environment: BUILD_DIR (default build-win), JOBS (default 2; the OpenSSL build is the long one),
# SKIP_APT=1 to skip step 1 and 2's package installs (when they are known to be there).
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-win}
JOBS=${JOBS:-2}
PREFIX=$BUILD_DIR/prefix
SRC=$BUILD_DIR/src
HOST=x86_64-w64-mingw32
export CC=$HOST-gcc-posix CXX=$HOST-g++-posix
mkdir -p "$BUILD_DIR" "$SRC" "$PREFIX"

say() { printf '== %s\n' "$*" >&2; }

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
fetch_sources() {
  if ls "$SRC"/openssl_*.orig.tar.* >/dev/null 2>&1 && ls "$SRC"/simdjson_*.orig.tar.* >/dev/null 2>&1; then
    return 0
  fi
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
  say "apt-get source openssl simdjson"
  # --download-only: the upstream tarball is what is built (Debian's patches are packaging and
  # Linux paths). A security-archive .dsc can be missing from a mirror while its .orig tarball is
  # there, so a failure is only fatal when no tarball came.
  (cd "$SRC" && apt-get source --download-only openssl) || true
  (cd "$SRC" && apt-get source --download-only simdjson) || true
  if ! ls "$SRC"/openssl_*.orig.tar.* >/dev/null 2>&1; then
    (cd "$SRC" && apt-get source --download-only openssl/bookworm)
  fi
  ls "$SRC"/openssl_*.orig.tar.* "$SRC"/simdjson_*.orig.tar.* >/dev/null
}

unpack() {  # unpack NAME -> prints the source directory
  local name=$1 tarball dir
  tarball=$(ls "$SRC"/"$name"_*.orig.tar.* | grep -v '\.asc$' | sort -V | tail -1)
  dir=$SRC/$name-src
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
  dir=$(unpack openssl)
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
  dir=$(unpack simdjson)
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
  cmake -S "$ROOT" -B "$BUILD_DIR/okta" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DOKTA_BULK_WINDOWS_PREFIX="$PREFIX" \
    -DOKTA_BULK_TESTS=OFF -DOKTA_BULK_BENCH=OFF
  ninja -C "$BUILD_DIR/okta" -j"$JOBS" okta-bulk okta-mock
  ls -l "$BUILD_DIR/okta/tools/okta-bulk.exe" "$BUILD_DIR/okta/tools/okta-mock.exe" >&2
}

install_packages
fetch_sources
build_openssl
[ "${1:-}" = --openssl-only ] && exit 0
build_simdjson
[ "${1:-}" = --deps ] && exit 0
build_project
