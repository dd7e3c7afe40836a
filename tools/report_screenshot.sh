#!/usr/bin/env bash
# The README's report screenshot (docs/report-resumed.png), reproducibly: a real import into
# okta-mock on 127.0.0.1 (a rate limit and a token share, at most 4 requests in flight so that
# 8 earn concurrency 429s, a few 500s, rows that fail or are invalid), interrupted with SIGINT,
# then resumed with --report; the report rendered by headless Chromium (offline, as the report
# test runs it) and optimised with optipng when it is installed.
#   tools/report_screenshot.sh [OUT.png]       (default docs/report-resumed.png; about 30 s)
# BUILD_DIR (default build-dev) holds the built okta-bulk, okta-mock and gen-users.
# Needs Debian's chromium (tools/install-deps.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/docs/report-resumed.png}"
bin="${BUILD_DIR:-$root/build-dev}/tools"
width="${WIDTH:-1000}"
height="${HEIGHT:-2900}"
work="$(mktemp -d)"
mock_pid=""
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT

"$bin/okta-mock" --port 0 --groups-count 2 --limits create=1500 --window 10 --token-share 0.9 \
  --concurrency 4 --latency-ms 60 --jitter-ms 20 --fault-500 0.01 --seed 7 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
url="$(head -1 "$work/mock.out" | grep -o 'http://[0-9.:]*')"

# 1,000 good users, then rows okta-mock refuses (a password its policy rejects) and rows
# okta-bulk refuses before sending (not an email address: found by the first run's checks).
"$bin/gen-users" --count 1000 --groups 00gmock0000000000001 -o "$work/users.csv"
for i in $(seq 1 12); do
  echo "weak$i@example.com,weak$i@example.com,Weak,Password,short$i,00gmock0000000000002,Dept W,$((2000 + i))"
done >>"$work/users.csv"
for i in $(seq 1 5); do
  echo "bad$i,bad$i-at-example.com,Bad,Email,Pw-bad-$i-Ab9,00gmock0000000000001,Dept B,$((3000 + i))"
done >>"$work/users.csv"

cd "$work"
export OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token
set +e
"$bin/okta-bulk" import users.csv -o results.csv --concurrency 8 --quiet &
run_pid=$!
sleep 6
kill -INT "$run_pid"
wait "$run_pid"
echo "first run: exit status $? (130 = interrupted)"
"$bin/okta-bulk" import users.csv -o results.csv --concurrency 8 --quiet --resume \
  --report report.html --summary-json summary.json
echo "resumed run: exit status $? (1 = some rows failed or were invalid)"
set -e

flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage
  --disable-background-networking --disable-component-update --disable-default-apps
  --disable-extensions --disable-sync --no-first-run --metrics-recording-only
  --no-proxy-server "--host-resolver-rules=MAP * ~NOTFOUND" --user-data-dir="$work/profile"
  --hide-scrollbars --window-size="$width,$height" --screenshot="$work/shot.png")
net=()
if unshare -n true 2>/dev/null; then net=(unshare -n); fi  # no network at all, where allowed
"${net[@]}" chromium "${flags[@]}" "file://$work/report.html" >/dev/null 2>&1
mkdir -p "$(dirname "$out")"
cp "$work/shot.png" "$out"
if command -v optipng >/dev/null; then optipng -quiet -o5 "$out"; fi
echo "screenshot: $out ($(stat -c %s "$out") bytes, ${width}x${height})"
