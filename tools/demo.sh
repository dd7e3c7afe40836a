#!/usr/bin/env bash
# The first README command: installs everything, builds, starts okta-mock (a local Okta org)
# on 127.0.0.1, imports a generated sample of users into it and shows the summary.
#   tools/demo.sh [N_USERS]      (default 20000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-20000}"
"$root/tools/install-deps.sh"
BUILD_DIR="$root/build" NINJA_TARGETS="okta-bulk okta-mock gen-users" \
  "$root/tools/build.sh" -DCMAKE_BUILD_TYPE=Release -DOKTA_BULK_BENCH=OFF
bin="$root/build/tools"
work="$(mktemp -d)"
trap 'kill "$mock_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin/okta-mock" --port 0 --groups-count 3 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
url="$(head -1 "$work/mock.out" | grep -o 'http://[0-9.:]*')"
echo "okta-mock: $url (a local imitation of an Okta org; token test-token)"

"$bin/gen-users" --count "$n" --groups 00gmock0000000000001,00gmock0000000000002 -o "$work/users.csv"
echo "sample: $n users in $work/users.csv (password column not shown):"
head -3 "$work/users.csv" | cut -d, -f1-4,6-; echo "..."
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$bin/okta-bulk" import "$work/users.csv" -o "$root/demo-results.csv" --concurrency 16 \
  --group 00gmock0000000000003
status=$?
set -e
echo "results: $root/demo-results.csv (exit status $status)"; head -3 "$root/demo-results.csv"
exit $status
