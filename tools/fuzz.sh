#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang 14 (ASan + UBSan) and runs each for a
# while, failing on any crash, sanitizer report or broken invariant.
#
#   tools/fuzz.sh            # 20 s per target (the CI run)
#   tools/fuzz.sh 600        # 10 min per target (the longer run before a release)
#   BUILD_DIR=/tmp/bf tools/fuzz.sh 60 csv_reader   # one target only
#
# Seeds come from fuzz/corpus/<target>/ (read only); what the fuzzer learns is kept in
# <build>/corpus/<target>/, so later runs start from there. A crashing input is written to
# <build>/crashes/<target>-crash-<sha1>; reproduce it with
#   <build>/<target>_fuzz <that file>
# and, when it is a real bug, commit it under fuzz/crashes/.
set -uo pipefail

seconds="${1:-20}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-fuzz}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(csv_reader response_reader rate_headers link_header http_exchange)
fi

# The project sources each target needs: fuzz/sources.txt, which the normal build links the
# same targets from (fuzz/CMakeLists.txt), so a missing source fails there first.
sources_of() {
  local line
  line=$(grep -E "^$1:" "$root/fuzz/sources.txt") || { echo "unknown target: $1" >&2; return 1; }
  echo "${line#*:}"
}

# clang 14 and its runtime libraries (libFuzzer, ASan, UBSan) from Debian 12.
need=()
command -v clang++-14 >/dev/null 2>&1 || need+=(clang-14)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" ||
  need+=(libclang-rt-14-dev)
dpkg-query -W -f='${Status}' libsimdjson-dev 2>/dev/null | grep -q "install ok installed" ||
  need+=(libsimdjson-dev)
if [ ${#need[@]} -ne 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "Installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
    { echo "fuzz.sh: could not install ${need[*]}" >&2; exit 2; }
fi
CXX="${CXX_FUZZ:-clang++-14}"

mkdir -p "$build"
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$root")

# Build every target first (in parallel), so a compile error stops the run before fuzzing.
pids=()
for t in "${targets[@]}"; do
  srcs=$(sources_of "$t") || exit 2
  (
    cd "$root" &&
      # clang 14's -fsanitize=function (part of undefined) cannot compile Asio's coroutines
    # ("Cannot represent a difference across sections"): off for the coroutine target only.
    extra=()
    [ "$t" = http_exchange ] && extra=(-fno-sanitize=function)
    $CXX "${flags[@]}" "${extra[@]}" "fuzz/${t}_fuzz.cc" $srcs -lsimdjson -o "$build/${t}_fuzz" \
        >"$build/${t}_build.log" 2>&1
  ) &
  pids+=($!)
done
build_failed=0
for i in "${!targets[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "fuzz.sh: building ${targets[$i]}_fuzz failed:" >&2
    tail -n 30 "$build/${targets[$i]}_build.log" >&2
    build_failed=1
  fi
done
[ $build_failed -eq 0 ] || exit 2

# The targets run side by side, as many at a time as there are cores (each is one process).
jobs="${FUZZ_JOBS:-$(nproc)}"
mkdir -p "$build/crashes"
running=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  rm -f "$build/${t}_fuzz.rc"
  (
    "$build/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
      "$build/corpus/$t" "$root/fuzz/corpus/$t" >"$build/${t}_fuzz.log" 2>&1
    echo $? >"$build/${t}_fuzz.rc"
  ) &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
summary=()
for t in "${targets[@]}"; do
  log="$build/${t}_fuzz.log"
  rc=$(cat "$build/${t}_fuzz.rc" 2>/dev/null || echo 99)
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n1 | grep -o '[0-9]*$')
  [ -n "$runs" ] || runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n1 | grep -o '[0-9]\+')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | grep -o '[0-9]*$')
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    summary+=("$t: ok, ${runs:-?} runs in ${seconds}s, coverage ${cov:-?} edges, corpus $corpus inputs")
  else
    status=1
    artifact=$(grep -o "Test unit written to .*" "$log" | tail -n1 | sed 's/Test unit written to //')
    summary+=("$t: FAILED (exit $rc) after ${runs:-?} runs; input: ${artifact:-none}; log: $log")
    grep -m1 -E 'ERROR: |runtime error|_fuzz: ' "$log" | sed "s/^/  $t: /" >&2
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
