#!/usr/bin/env bash
# The second README command (and CI's): installs everything, builds the whole project with
# AddressSanitizer + UndefinedBehaviorSanitizer, and runs every test; then the shipping checks
# (tools/test_shipping.sh: the Debian package, and the Windows build under Wine, which CI runs
# only when the cross-built libraries are cached; it says on stderr what it skipped and why).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
build="${BUILD_DIR:-$root/build-test}"
# -O1 -g1: sanitizer builds compile much faster than at -O2 -g and keep usable stack traces.
# The benchmarks are built by bench/run.sh, not here.
BUILD_DIR="$build" "$root/tools/build.sh" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DOKTA_BULK_SANITIZE=ON -DOKTA_BULK_BENCH=OFF
# A short libFuzzer run of the CSV reader, the response reader and the rate-limit headers
# (clang, ASan+UBSan); tools/fuzz.sh 600 for a longer one.
"$root/tools/fuzz.sh" "${FUZZ_SECONDS:-15}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 900
cd "$root"
bash "$root/tools/test_shipping.sh"
