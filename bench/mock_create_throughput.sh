#!/usr/bin/env bash
# Measures okta-mock's create throughput (POST /api/v1/users, unique login per request) with
# wrk. okta-mock is pinned to one core (taskset -c 0) and wrk to the other (taskset -c 1).
#
#   bench/mock_create_throughput.sh [DURATION_S=10] [CONNECTIONS=32]
#   OKTA_MOCK=/path/to/okta-mock bench/mock_create_throughput.sh
#
# Prints wrk's report, then okta-mock's /__stats, then one summary line:
#   creates/s=<wrk Requests/sec> users_created=<N> requests_total=<N>
# users_created must equal requests_total (every request created a user).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
duration="${1:-10}"
connections="${2:-32}"

mock="${OKTA_MOCK:-}"
if [[ -z "$mock" ]]; then
  for candidate in "$root"/build/tools/okta-mock "$root"/build-mock/tools/okta-mock \
                   "$root"/build-mock/private/okta-mock; do
    if [[ -x "$candidate" ]]; then mock="$candidate"; break; fi
  done
fi
[[ -x "$mock" ]] || { echo "okta-mock not found; build it or set OKTA_MOCK" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }

pin_mock=() pin_wrk=()
if command -v taskset >/dev/null && [[ "$(nproc)" -ge 2 ]]; then
  pin_mock=(taskset -c 0) pin_wrk=(taskset -c 1)
fi

tmp="$(mktemp -d)"
mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"${pin_mock[@]}" "$mock" --port 0 --host 127.0.0.1 >"$tmp/out" 2>"$tmp/err" &
mock_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$tmp/out" 2>/dev/null && break
  sleep 0.05
done
url="$(sed -n 's/^okta-mock listening on //p' "$tmp/out" | head -1)"
[[ -n "$url" ]] || { echo "okta-mock did not start:" >&2; cat "$tmp/err" >&2; exit 1; }

echo "okta-mock: $mock at $url (pinned: ${pin_mock[*]:-no})"
# CPU time (utime+stime, clock ticks) okta-mock has used so far: on a shared box wrk may be
# the bottleneck, so the mock's CPU cost per request is reported too.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$mock_pid/stat"; }
ticks_before="$(cpu_ticks)"
"${pin_wrk[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$here/mock_create.lua" "$url" \
  -- "bench$$" | tee "$tmp/wrk"

ticks_after="$(cpu_ticks)"
stats="$(curl -s "$url/__stats")"
echo "$stats"
rps="$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk")"
created="$(sed -n 's/.*"users_created":\([0-9]*\).*/\1/p' <<<"$stats")"
total="$(sed -n 's/.*"requests_total":\([0-9]*\).*/\1/p' <<<"$stats")"
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$mock_pid/status" 2>/dev/null || echo '?')"
hz="$(getconf CLK_TCK)"
cpu_us="$(awk -v a="$ticks_before" -v b="$ticks_after" -v hz="$hz" -v n="$total" \
  'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1e6 / hz / n; else print "?" }')"
capacity="$(awk -v c="$cpu_us" 'BEGIN { if (c > 0) printf "%.0f", 1e6 / c; else print "?" }')"
echo "creates/s=$rps users_created=$created requests_total=$total mock_peak_rss_kb=$rss_kb" \
     "mock_cpu_us_per_create=$cpu_us mock_one_core_capacity_per_s=$capacity"
