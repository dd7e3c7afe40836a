#!/usr/bin/env bash
# Counts the system calls okta-bulk and okta-mock make per created user: an import of ROWS
# generated users into a fresh okta-mock on 127.0.0.1, both under `strace -c -f` (strace slows
# them down: this counts calls, it does not time them). Loopback TCP is over half of either
# side's CPU, so calls per row is what the client's and the mock's I/O code can change.
#
#   bench/syscalls_per_row.sh [ROWS=50000] [CONCURRENCY=64]
#   BUILD_DIR=build/tools bench/syscalls_per_row.sh
#
# Prints each side's strace table, then one line per side:
#   okta-bulk: <calls>/row (<name> <n>/row, ...)   okta-mock: <calls>/request (...)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rows="${1:-50000}"
concurrency="${2:-64}"
bin="${BUILD_DIR:-$root/build/tools}"
for b in okta-bulk okta-mock gen-users; do
  [[ -x "$bin/$b" ]] || { echo "$bin/$b not found: build first or set BUILD_DIR" >&2; exit 1; }
done
command -v strace >/dev/null || { echo "strace not installed (apt-get install strace)" >&2; exit 1; }

tmp="$(mktemp -d)"
mock_pid="" strace_pid=""
cleanup() {
  [[ -n "$strace_pid" ]] && kill -INT "$strace_pid" 2>/dev/null || true
  [[ -n "$mock_pid" ]] && { kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin/gen-users" --count "$rows" --groups 00gmock0000000000001 -o "$tmp/users.csv"
"$bin/okta-mock" --port 0 --host 127.0.0.1 --groups-count 3 >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$tmp/mock.out" 2>/dev/null && break
  sleep 0.05
done
url="$(sed -n 's/^okta-mock listening on //p' "$tmp/mock.out" | head -1)"
[[ -n "$url" ]] || { echo "okta-mock did not start:" >&2; cat "$tmp/mock.err" >&2; exit 1; }

strace -c -f -p "$mock_pid" -o "$tmp/mock.strace" 2>/dev/null &
strace_pid=$!
sleep 0.5  # attached
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  strace -c -f -o "$tmp/client.strace" \
  "$bin/okta-bulk" import "$tmp/users.csv" -o "$tmp/results.csv" --quiet --concurrency "$concurrency" \
  || echo "okta-bulk exited with status $?" >&2
kill -INT "$strace_pid"
wait "$strace_pid" 2>/dev/null || true
strace_pid=""
created="$(grep -c ',created,' "$tmp/results.csv" || true)"

# Calls per row of the I/O system calls (file and socket reads and writes, epoll, timers).
per_row() {
  awk -v n="$rows" -v who="$1" '
    $NF ~ /^(sendmsg|recvmsg|recvfrom|sendto|read|write|writev|epoll_wait|timerfd_settime)$/ {
      total += $4; parts = parts sprintf(" %s %.2f", $NF, $4 / n)  # $4: the calls column
    }
    END { printf "%s: %.2f/row (%s )\n", who, total / n, parts }' "$2"
}
echo "== okta-bulk"; cat "$tmp/client.strace"
echo "== okta-mock"; cat "$tmp/mock.strace"
echo "rows=$rows created=$created concurrency=$concurrency"
per_row okta-bulk "$tmp/client.strace"
per_row okta-mock "$tmp/mock.strace"
