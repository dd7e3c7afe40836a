#!/usr/bin/env bash
# Counts the system calls okta-bulk and okta-mock make per created user: an import of ROWS
# generated users into a fresh okta-mock on 127.0.0.1, counted by `perf stat` on the syscall
# tracepoints (needs root or perf_event_paranoid <= 1; cheap enough not to change the timing).
# With --strace, `strace -c -f` counts instead: it stops the process at every call, which
# changes the timing and so the counts (okta-mock's receives that find nothing yet, the
# client's that find the answer already there). Loopback TCP is over half of either side's
# CPU, so calls per row is what the client's and the mock's I/O code can change.
#
#   bench/syscalls_per_row.sh [--strace] [ROWS=50000] [CONCURRENCY=64]
#   BUILD_DIR=build/tools bench/syscalls_per_row.sh
#
# Prints one line per side:
#   okta-bulk: <calls>/row ( <name> <n>/row ... )   okta-mock: <calls>/row ( ... )
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
use_strace=0
if [[ "${1:-}" == "--strace" ]]; then use_strace=1; shift; fi
rows="${1:-50000}"
concurrency="${2:-64}"
bin="${BUILD_DIR:-$root/build/tools}"
for b in okta-bulk okta-mock gen-users; do
  [[ -x "$bin/$b" ]] || { echo "$bin/$b not found: build first or set BUILD_DIR" >&2; exit 1; }
done
if [[ $use_strace == 1 ]]; then
  command -v strace >/dev/null || { echo "strace not installed (apt-get install strace)" >&2; exit 1; }
else
  command -v perf >/dev/null || { echo "perf not installed (apt-get install linux-perf), or use --strace" >&2; exit 1; }
fi
calls="sendmsg recvmsg recvfrom sendto read write writev epoll_wait timerfd_settime"
events="$(for c in $calls; do printf 'syscalls:sys_enter_%s,' "$c"; done)"
events="${events%,}"

tmp="$(mktemp -d)"
mock_pid="" strace_pid=""
cleanup() {
  [[ -n "$strace_pid" ]] && kill -INT "$strace_pid" 2>/dev/null || true
  [[ -n "$mock_pid" ]] && { kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin/gen-users" --count "$rows" --groups 00gmock0000000000001 -o "$tmp/users.csv"
# Pinned like bench/e2e.py: okta-mock on core 0, the client on core 1.
pin_mock=() pin_client=()
if command -v taskset >/dev/null && [[ "$(nproc)" -ge 2 ]]; then
  pin_mock=(taskset -c 0) pin_client=(taskset -c 1)
fi
"${pin_mock[@]}" "$bin/okta-mock" --port 0 --host 127.0.0.1 --groups-count 3 >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$tmp/mock.out" 2>/dev/null && break
  sleep 0.05
done
url="$(sed -n 's/^okta-mock listening on //p' "$tmp/mock.out" | head -1)"
[[ -n "$url" ]] || { echo "okta-mock did not start:" >&2; cat "$tmp/mock.err" >&2; exit 1; }

if [[ $use_strace == 1 ]]; then
  strace -c -f -p "$mock_pid" -o "$tmp/mock.count" 2>/dev/null &
else
  perf stat -e "$events" -p "$mock_pid" -o "$tmp/mock.count" &
fi
strace_pid=$!
sleep 0.5  # attached
if [[ $use_strace == 1 ]]; then
  counter=(strace -c -f -o "$tmp/client.count")
else
  counter=(perf stat -e "$events" -o "$tmp/client.count")
fi
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token "${counter[@]}" "${pin_client[@]}" \
  "$bin/okta-bulk" import "$tmp/users.csv" -o "$tmp/results.csv" --quiet --concurrency "$concurrency" \
  || echo "okta-bulk exited with status $?" >&2
kill -INT "$strace_pid"
wait "$strace_pid" 2>/dev/null || true
strace_pid=""
created="$(grep -c ',created,' "$tmp/results.csv" || true)"

# Calls per row of the I/O system calls. strace -c rows: "% seconds usecs calls [errors] name";
# perf stat rows: "<count> syscalls:sys_enter_<name>".
per_row() {
  awk -v n="$rows" -v who="$1" -v list="$calls" '
    BEGIN { split(list, names, " "); for (i in names) want[names[i]] = 1 }
    $2 ~ /^syscalls:sys_enter_/ { name = substr($2, 20); count = $1; gsub(",", "", count) }
    $2 !~ /^syscalls:/ && NF >= 5 { name = $NF; count = $4 }
    (name in want) && count + 0 > 0 {
      total += count; parts = parts sprintf(" %s %.2f", name, count / n); name = ""
    }
    END { printf "%s: %.2f/row (%s )\n", who, total / n, parts }' "$2"
}
echo "rows=$rows created=$created concurrency=$concurrency counted with $([[ $use_strace == 1 ]] && echo 'strace -c' || echo 'perf stat')"
per_row okta-bulk "$tmp/client.count"
per_row okta-mock "$tmp/mock.count"
