#!/usr/bin/env bash
# The first README command: installs everything, builds, starts okta-mock (a local Okta org)
# on 127.0.0.1 with Okta-shaped limits (6,000 creates per 10 s window, 75 requests in flight,
# 25 ms latency), imports a generated sample of users into it with the live progress line,
# and leaves the results, the summary JSON and the HTML report in the project root.
#   tools/demo.sh [N_USERS]      (default 20000: about 35 s)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-20000}"
"$root/tools/install-deps.sh"
BUILD_DIR="$root/build" NINJA_TARGETS="okta-bulk okta-mock gen-users" \
  "$root/tools/build.sh" -DCMAKE_BUILD_TYPE=Release -DOKTA_BULK_BENCH=OFF
bin="$root/build/tools"
work="$(mktemp -d)"
trap 'kill "$mock_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin/okta-mock" --port 0 --groups-count 3 --group Engineering --group Sales --group Support --limits create=6000,get=10000,groups=6000 --window 10 \
  --concurrency 75 --latency-ms 25 --jitter-ms 10 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
url="$(head -1 "$work/mock.out" | grep -o 'http://[0-9.:]*')"
echo "okta-mock: $url (a local imitation of an Okta org; token test-token;"
echo "  6,000 creates per 10 s window, 75 requests in flight, 25 ms latency)"

"$bin/gen-users" --count "$n" --groups 00gmock0000000000001,00gmock0000000000002 -o "$work/users.csv"
echo "sample: $n users in $work/users.csv (password column not shown):"
head -3 "$work/users.csv" | cut -d, -f1-4,6-; echo "..."
set +e
rm -f "$root/demo-results.csv" "$root/demo-results.csv.job"  # the demo starts over each time (its own files)
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$bin/okta-bulk" import "$work/users.csv" -o "$root/demo-results.csv" --concurrency 16 \
  --group 00gmock0000000000003 --report "$root/demo-report.html" --summary-json "$root/demo-summary.json"
status=$?
set -e
echo "results: $root/demo-results.csv (exit status $status)"; head -3 "$root/demo-results.csv"
echo "report:  $root/demo-report.html (open it in a browser: charts of throughput, rate-limit budget, latency)"
echo "summary: $root/demo-summary.json"
exit $status
