#!/usr/bin/env bash
# The export round trip at scale: N generated users with typed custom attributes, bcrypt
# hashes and two groups each go into okta-mock A; `okta-bulk export --groups` writes them
# out (its max RSS measured); the export is imported into an empty okta-mock B; then every
# user of A and B is compared field by field (profile attributes with their JSON types,
# group memberships). Passwords and hashes are not compared: Okta never returns them, so no
# export can carry them (B's users have no credential).
#
#   bench/roundtrip.sh [USERS=200000]
#   BUILD=/path/to/build bench/roundtrip.sh 200000
#
# Prints each step's time, the export's max RSS, and one summary line:
#   roundtrip users=<N> identical=<N> differing=<N> missing=<N> export_s=<s> export_max_rss_kb=<KB>
# Exit 0 when every user came back identical.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
count="${1:-200000}"
build="${BUILD:-$root/build}"
mock="$build/tools/okta-mock" bulk="$build/tools/okta-bulk" gen="$build/tools/gen-users"
for b in "$mock" "$bulk" "$gen"; do
  [[ -x "$b" ]] || { echo "$b not found: ninja -C $build okta-mock okta-bulk gen-users" >&2; exit 1; }
done

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Starts okta-mock on a free loopback port; sets $url. Only the PIDs started here are stopped.
start_mock() {
  local name="$1"
  "$mock" --port 0 --groups-count 3 --schema "$root/tests/data/okta_mock_schema_typed.json" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=("$!")
  for _ in $(seq 100); do
    url="$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/$name.out" | head -1 || true)"
    [[ -n "$url" ]] && return 0
    sleep 0.1
  done
  echo "okta-mock $name did not start" >&2
  exit 1
}

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

export OKTA_CLIENT_TOKEN=test-token
groups=00gmock0000000000001,00gmock0000000000002,00gmock0000000000003

t=$(now)
"$gen" --count "$count" --typed --hashes --groups "$groups" --groups-per-user 2 -o "$tmp/users.csv"
echo "generated $count users ($(du -h "$tmp/users.csv" | cut -f1)) in $(since "$t") s"

start_mock A
url_a="$url"
t=$(now)
OKTA_CLIENT_ORGURL="$url_a" "$bulk" import "$tmp/users.csv" -o "$tmp/seed.csv" --concurrency 32 --quiet
echo "imported into A in $(since "$t") s"

t=$(now)
OKTA_CLIENT_ORGURL="$url_a" /usr/bin/time -f "%M" -o "$tmp/export.rss" \
  "$bulk" export -o "$tmp/export.csv" --groups
export_s="$(since "$t")"
rss="$(tail -1 "$tmp/export.rss")"
echo "exported from A in $export_s s, max RSS ${rss} KB ($(du -h "$tmp/export.csv" | cut -f1)); header:"
head -1 "$tmp/export.csv"

start_mock B
url_b="$url"
t=$(now)
OKTA_CLIENT_ORGURL="$url_b" "$bulk" import "$tmp/export.csv" -o "$tmp/reimport.csv" --concurrency 32 --quiet
echo "imported the export into B in $(since "$t") s"

curl -sf "$url_a/__users" -o "$tmp/a.json"
curl -sf "$url_b/__users" -o "$tmp/b.json"
python3 - "$tmp/a.json" "$tmp/b.json" "$count" "$export_s" "$rss" <<'PY'
import json, sys
a = {u["login"]: u for u in json.load(open(sys.argv[1]))}
b = {u["login"]: u for u in json.load(open(sys.argv[2]))}
same = differ = missing = 0
examples = []
for login, ua in a.items():
    ub = b.get(login)
    if ub is None:
        missing += 1
        continue
    pa, pb = ua["profile"], ub["profile"]
    # Field by field, JSON types included (True is not 1, 1.5 is not "1.5").
    typed = lambda p: {k: (type(v).__name__, v) for k, v in p.items()}
    if typed(pa) == typed(pb) and sorted(ua["groupIds"]) == sorted(ub["groupIds"]):
        same += 1
    else:
        differ += 1
        if len(examples) < 3:
            examples.append((login, pa, pb, ua["groupIds"], ub["groupIds"]))
extra = len(set(b) - set(a))
for e in examples:
    print("DIFFERS:", *e)
creds_a = sorted({u["credential"] for u in a.values()})
creds_b = sorted({u["credential"] for u in b.values()})
print(f"credentials in A: {creds_a}, in B: {creds_b} (hashes are never exported)")
print(f"roundtrip users={len(a)} identical={same} differing={differ} missing={missing} extra_in_b={extra} "
      f"export_s={sys.argv[4]} export_max_rss_kb={sys.argv[5]}")
sys.exit(0 if same == int(sys.argv[3]) == len(a) and not extra else 1)
PY
