#!/usr/bin/env bash
# Issue 17's done-when: the nightly sync at 100,000 users against okta-mock with Okta-shaped
# limits, and the same file through `okta-bulk update` beside it.
#
#   bench/sync_scale.sh                     # 100,000 users, 1,000 changed, update for 300 s
#   USERS=20000 CHANGED=200 NGROUPS=10 UPDATE_SECONDS=60 bench/sync_scale.sh
#   UPDATE_SECONDS=0 bench/sync_scale.sh    # update runs to the end (~2.8 h at 100,000)
#   BIN=build-rel/tools bench/sync_scale.sh # the binaries (default build-rel/tools)
#
# The org: USERS users loaded at okta-mock's start (--load-users, outside the rate buckets),
# each ACTIVE in one of NGROUPS groups (gen-users' file). The file: the same users, of which
# CHANGED have a new department, and every fifth of those moved to another group (sync runs
# with --exact-groups: an add and a remove each). okta-mock has the Enterprise limits of
# contract §1.4 per 60 s: create (and the users listing, which shares its bucket) 600,
# get 1000, update 600, groups 600, group 600, other 600.
#
# Prints, for sync, the requests okta-mock counted by bucket, the writes the org shows (users
# whose profile changed, memberships added and removed, from okta-mock's /__users before and
# after) and what was sent besides them, wall time; checks the org matches the file; then
# update's rows finished and rate over UPDATE_SECONDS (SIGINT at the end of the window), or
# the whole run with UPDATE_SECONDS=0. Exits 1 when the org does not match the file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
USERS="${USERS:-100000}"
CHANGED="${CHANGED:-1000}"
NGROUPS="${NGROUPS:-10}"
UPDATE_SECONDS="${UPDATE_SECONDS:-300}"
bin="${BIN:-$root/build-rel/tools}"
work="$(mktemp -d)"
mock_pid=""
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
limits="create=600,get=1000,update=600,groups=600,group=600,other=600"
export OKTA_CLIENT_TOKEN=test-token

group_ids=$(for i in $(seq "$NGROUPS"); do printf '00gmock%013d,' "$i"; done)
group_ids="${group_ids%,}"
"$bin/gen-users" --count "$USERS" --groups "$group_ids" -o "$work/org.csv"
# The HR file: the org's rows without their password column; CHANGED rows spread over the
# file get a new department, and every fifth of them also moves to the next group.
python3 - "$work/org.csv" "$work/hr.csv" "$CHANGED" "$group_ids" <<'EOF'
import csv, sys
src, dst, changed, groups = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
rows = list(csv.reader(open(src, newline="")))
header, body = rows[0], rows[1:]
dept, gcol = header.index("department"), header.index("groupId")
step = max(1, len(body) // changed)
for k, i in enumerate(range(0, step * changed, step)):
    body[i][dept] = "Dept moved " + str(k % 7)
    if k % 5 == 0:
        body[i][gcol] = groups[(groups.index(body[i][gcol]) + 1) % len(groups)]
keep = [i for i, h in enumerate(header) if h != "password"]  # an HR export has none (update refuses one)
with open(dst, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow([header[i] for i in keep])
    w.writerows([r[i] for i in keep] for r in body)
EOF

start_mock() {  # a fresh org of the USERS users
  : >"$work/mock.out"
  "$bin/okta-mock" --port 0 --groups-count "$NGROUPS" --load-users "$work/org.csv" \
    --limits "$limits" --window 60 >"$work/mock.out" 2>"$work/mock.err" &
  mock_pid=$!
  for _ in $(seq 600); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
  [ -s "$work/mock.out" ] || { echo "okta-mock did not start:"; cat "$work/mock.err"; exit 1; }
  url="$(head -1 "$work/mock.out" | grep -o 'http://[0-9.:]*')"
  export OKTA_CLIENT_ORGURL="$url"
}
stop_mock() { kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=""; }
get() { curl -sf "$url$1" -o "$2"; }

echo "org: $USERS users in $NGROUPS groups; file: $CHANGED changed; limits per 60 s: $limits"

# ---- sync ----
start_mock
grep -o 'loaded.*' "$work/mock.err"
get /__users "$work/before.json"
get /__stats "$work/stats0.json"
t0=$(date +%s.%N)
"$bin/okta-bulk" sync "$work/hr.csv" --exact-groups -o "$work/sync-results.csv" \
  --summary-json "$work/sync.json" >"$work/sync.out" 2>"$work/sync.err" ||
  { echo "sync failed:"; tail -5 "$work/sync.err"; exit 1; }
t1=$(date +%s.%N)
get /__stats "$work/stats1.json"
get /__users "$work/after.json"
stop_mock
python3 - "$work" "$t0" "$t1" <<'EOF'
import csv, json, sys
work, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
s0, s1 = (json.load(open(f"{work}/stats{i}.json"))["requests"] for i in (0, 1))
sent = {b: s1[b] - s0[b] for b in s1}
before = {u["login"]: u for u in json.load(open(f"{work}/before.json"))}
after = {u["login"]: u for u in json.load(open(f"{work}/after.json"))}
profiles = sum(1 for l, u in after.items() if before[l]["profile"] != u["profile"])
adds = sum(len(set(u["groupIds"]) - set(before[l]["groupIds"])) for l, u in after.items())
removes = sum(len(set(before[l]["groupIds"]) - set(u["groupIds"])) for l, u in after.items())
total = sum(sent.values())
besides = total - profiles - adds - removes
# The org against the file: every attribute and group of every row.
diff = 0
for r in csv.DictReader(open(f"{work}/hr.csv", newline="")):
    u = after[r["login"]]
    if u["profile"].get("department") != r["department"] or u["groupIds"] != [r["groupId"]]:
        diff += 1
summary = json.load(open(f"{work}/sync.json"))
notes = [l.strip() for l in open(f"{work}/sync.err") if "read the org" in l or "reading the org" in l]
print(f"sync: {t1 - t0:.1f} s wall; {total} requests: " +
      ", ".join(f"{b} {n}" for b, n in sent.items() if n))
print(f"  writes the org shows: {profiles} profile updates, {adds} group adds, {removes} group removes")
print(f"  sent besides them: {besides} (done-when: at most 600) -> {'MET' if besides <= 600 else 'MISSED'}")
print(f"  outcomes {({k: v for k, v in summary.get('outcomes', {}).items() if v})}")
for n in notes: print("  " + n)
print(f"  org matches the file: {'yes' if diff == 0 else f'NO, {diff} rows differ'}")
open(f"{work}/sync.verdict", "w").write("ok" if diff == 0 else "diff")
EOF
[ "$(cat "$work/sync.verdict")" = ok ] || exit 1

# ---- update, the same file, a fresh org ----
start_mock
get /__stats "$work/stats2.json"
t0=$(date +%s.%N)
if [ "$UPDATE_SECONDS" -gt 0 ]; then
  "$bin/okta-bulk" update "$work/hr.csv" -o "$work/update-results.csv" \
    --summary-json "$work/update.json" >"$work/update.out" 2>"$work/update.err" &
  upd=$!
  sleep "$UPDATE_SECONDS"
  kill -INT "$upd" 2>/dev/null || true
  wait "$upd" || true
else
  "$bin/okta-bulk" update "$work/hr.csv" -o "$work/update-results.csv" \
    --summary-json "$work/update.json" >"$work/update.out" 2>"$work/update.err" || true
fi
t1=$(date +%s.%N)
get /__stats "$work/stats3.json"
stop_mock
python3 - "$work" "$t0" "$t1" "$USERS" "$UPDATE_SECONDS" <<'EOF'
import csv, json, sys
work, t0, t1, users, window = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s0, s1 = (json.load(open(f"{work}/stats{i}.json"))["requests"] for i in (2, 3))
sent = {b: s1[b] - s0[b] for b in s1}
rows = sum(1 for r in csv.DictReader(open(f"{work}/update-results.csv", newline="")) if r.get("outcome") == "updated")
wall = t1 - t0
rate = rows / wall if wall else 0
label = (f"measured over a {window} s window, interrupted with SIGINT" if window
         else "the whole run")
print(f"update ({label}): {rows} of {users} rows updated in {wall:.1f} s wall = {rate * 60:.0f} rows/min; "
      f"{sum(sent.values())} requests: " + ", ".join(f"{b} {n}" for b, n in sent.items() if n))
if window and rate:
    print(f"  at that rate all {users} rows would take {users / rate / 3600:.2f} h")
EOF
