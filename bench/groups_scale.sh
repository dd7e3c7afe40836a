#!/usr/bin/env bash
# Issue 15's scale scenario, and issue 14's look-up count, against a fresh okta-mock:
#   groups create of G groups, import of U users by groupName (two names each: the
#   schema GET and the group listing are the only requests before the first row), unassign of
#   every other user from both its groups by name, then every group's members read back from
#   okta-mock's own API and compared with what the files say.
#
#   bench/groups_scale.sh [GROUPS] [USERS]      # default 1000 10000
#   BIN=build-bench/tools bench/groups_scale.sh  # the binaries (default build/tools)
# Prints one line per step (seconds, requests, requests before the first row) and exits 1 if
# a single membership differs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
G="${1:-1000}"
U="${2:-10000}"
bin="${BIN:-$root/build/tools}"
work="$(mktemp -d)"
trap 'kill "$mock_pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# Limits far above what the run needs: this measures the work, not the pacing.
"$bin/okta-mock" --port 0 --limits create=1000000,get=1000000,groups=1000000,group=1000000,update=1000000,other=1000000 \
  --window 10 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
url="$(head -1 "$work/mock.out" | grep -o 'http://[0-9.:]*')"
export OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token

python3 - "$G" "$U" "$work" <<'EOF'
import sys
g, u, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(f"{work}/groups.csv", "w") as f:
    f.write("name,description\n")
    for i in range(g):
        f.write(f"Team {i:04d},scale test\n")
def names(i):  # two different groups for user i
    a, b = i % g, (i * 7 + 1) % g
    if a == b: b = (b + 1) % g
    return f"Team {a:04d};Team {b:04d}"
with open(f"{work}/users.csv", "w") as f, open(f"{work}/leavers.csv", "w") as l:
    f.write("login,email,firstName,lastName,groupName\n")
    l.write("login,groupName\n")
    for i in range(u):
        login = f"scale{i}@example.com"
        f.write(f"{login},{login},First{i},Last{i},{names(i)}\n")
        if i % 2 == 0:
            l.write(f"{login},{names(i)}\n")
EOF

step() {  # name, then the okta-bulk arguments
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$bin/okta-bulk" "$@" --summary-json "$work/$name.json" >"$work/$name.out" 2>"$work/$name.err" ||
    { echo "$name failed:"; tail -5 "$work/$name.err"; exit 1; }
  t1=$(date +%s.%N)
  python3 - "$name" "$work/$name.json" "$t0" "$t1" <<'EOF'
import json, sys
name, path, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
s = json.load(open(path))
print(f"{name:>14}: {t1 - t0:6.1f} s, {s.get('requests')} requests, "
      f"{s.get('orgRequests', 0)} before the first row, "
      f"outcomes {({k: v for k, v in s.get('outcomes', {}).items() if v})}")
EOF
}
step groups-create groups create "$work/groups.csv" -o "$work/groups-results.csv" --concurrency 16
step import import "$work/users.csv" -o "$work/import-results.csv" --concurrency 16
step unassign unassign "$work/leavers.csv" -o "$work/unassign-results.csv" --concurrency 16

# Every group's members from okta-mock's API, compared with the files.
python3 - "$G" "$U" "$url" "$work/groups-results.csv" <<'EOF'
import csv, json, re, sys, urllib.request
g, u, url, results = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ids = {}
for r in csv.DictReader(open(results)):
    ids[r["login"]] = r["userId"]  # the results file's shared columns: login = name, userId = id
def names(i):
    a, b = i % g, (i * 7 + 1) % g
    if a == b: b = (b + 1) % g
    return [f"Team {a:04d}", f"Team {b:04d}"]
want = {name: set() for name in ids}
for i in range(u):
    if i % 2 == 1:
        for n in names(i): want[n].add(f"scale{i}@example.com")
diff = 0
for name, gid in ids.items():
    got, target = set(), f"{url}/api/v1/groups/{gid}/users?limit=1000"
    while target:
        req = urllib.request.Request(target, headers={"Authorization": "SSWS test-token"})
        with urllib.request.urlopen(req) as resp:
            got |= {x["profile"]["login"] for x in json.load(resp)}
            m = re.search(r'<([^>]+)>;\s*rel="next"', resp.headers.get("Link", "") or "")
            target = m.group(1) if m else None
    if got != want[name]:
        diff += 1
        if diff <= 5: print(f"{name}: {len(got ^ want[name])} memberships differ")
total = sum(len(v) for v in want.values())
print(f"   memberships: {total} expected in {len(ids)} groups; groups that differ: {diff}")
sys.exit(1 if diff or len(ids) != g else 0)
EOF
