#!/usr/bin/env bash
# Runs the Windows okta-bulk.exe under Wine against a Linux okta-mock on 127.0.0.1 (issue 20):
#   1. an import of N users (default 10,000): exit 0, results.csv holds every row exactly once,
#      all `created`, and the org holds each login exactly once;
#   2. an export of the org by okta-bulk.exe: the N logins, each once;
#   3. TLS: against an okta-mock serving HTTPS with a self-signed certificate, okta-bulk.exe
#      refuses the connection (certificate verify failed, nothing created), and accepts it
#      once the certificate is given with --ca-file;
#   4. an import killed with kill -9 part way, then --resume: every row exactly once.
#   5. Ctrl-C part way (Wine turns a SIGINT sent to its process into the console's
#      CTRL_C_EVENT, which the C runtime raises as SIGINT in okta-bulk.exe, as a Ctrl-C typed
#      in a Windows console does): exit 130, the resume command printed; --resume: every row
#      exactly once;
#   6. non-ASCII paths and arguments (the UTF-8 code page of the embedded manifest): an import
#      from and to files in a directory named "données-日本";
#   7. --write-temp-passwords: the secrets file is created owner-only and accepted (and its
#      Unix mode, what Wine makes of the access list, has no group or other bits);
#   8. platform-check.exe (tools/windows_check/platform_check.cc): the platform seam's owner-only
#      files at a non-ASCII path and a sparse 3 GiB file (sizes, a write and a read past 2 GiB,
#      a stdio stream's end).
#
#   bash tools/windows_test.sh [N]
#
# Not part of ctest (it needs the MinGW cross build and Wine; tools/build-windows.sh makes
# both, the first time in about 10 minutes on 2 cores). Environment: WIN_BUILD (default
# build-win), LINUX_BUILD (a Linux build with okta-mock and gen-users; default build, or
# build-dev), SKIP_BUILD=1 to use the .exe as it is.
# Prints "N passed, M failed" last; exit status 0 when every check passed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-10000}"
# Wine keeps no access lists: a file's Unix mode is what it makes of the DACL set on it, less
# the umask of the wineserver (started below). 077, as a user who keeps secrets would have.
umask 077
win_build="${WIN_BUILD:-$root/build-win}"
if [ -z "${LINUX_BUILD:-}" ]; then
  LINUX_BUILD="$root/build"
  [ -x "$LINUX_BUILD/tools/okta-mock" ] || LINUX_BUILD="$root/build-dev"
fi
[ "${SKIP_BUILD:-0}" = 1 ] || BUILD_DIR="$win_build" bash "$root/tools/build-windows.sh"
if [ ! -x "$LINUX_BUILD/tools/okta-mock" ] || [ ! -x "$LINUX_BUILD/tools/gen-users" ]; then
  cmake -S "$root" -B "$LINUX_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOKTA_BULK_BENCH=OFF \
    -DOKTA_BULK_TESTS=OFF >/dev/null
  ninja -C "$LINUX_BUILD" -j2 okta-mock gen-users
fi
exe="$win_build/okta/tools/okta-bulk.exe"
mock="$LINUX_BUILD/tools/okta-mock"
gen="$LINUX_BUILD/tools/gen-users"
# Debian's wine64 package puts its loader and server in /usr/lib/wine (the `wine` package adds
# the commands on PATH).
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  WINEPREFIX="$work/wine" "$wineserver" -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export WINEPREFIX="$work/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
passed=0 failed=0
created_in() { { tail -n +2 "$1" 2>/dev/null || true; } | awk -F, '$3 == "created"' | wc -l; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "PASS $name"
  else failed=$((failed + 1)); echo "FAIL $name"; fi
}

start_mock() {  # start_mock OUTFILE ARGS... ; sets url
  local out=$1; shift
  "$mock" --port 0 "$@" >"$out" 2>"$out.err" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
  url="$(head -1 "$out" | grep -o 'https\?://[0-9.:]*')"
}

echo "== wine prefix (first start of Wine: some seconds)"
t0=$(date +%s.%N)
"$wine" wineboot --init >/dev/null 2>&1 || true
echo "   $(since "$t0") s"
cd "$work"
"$wine" "$exe" --version

echo "== 1. import of $n users under Wine"
"$gen" --count "$n" -o users.csv
start_mock mock1.out --limits create=6000,get=10000 --window 10 --concurrency 75
url1=$url
echo "   okta-mock: $url"
t0=$(date +%s.%N)
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import users.csv -o results.csv --concurrency 16 --quiet \
  --summary-json summary.json 2>import.err
status=$?
set -e
elapsed=$(since "$t0")
echo "   exit $status in ${elapsed} s ($(awk -v n="$n" -v s="$elapsed" 'BEGIN { printf "%.0f", n / s }') rows/s, Wine's start included)"
[ "$status" = 0 ] || cat import.err
check "import exits 0" test "$status" = 0
check "results.csv has no CR (binary output)" bash -c '! grep -q $'"'"'\r'"'"' results.csv'
rows=$(tail -n +2 results.csv | wc -l)
distinct=$(tail -n +2 results.csv | cut -d, -f1 | sort -un | wc -l)
created=$(tail -n +2 results.csv | awk -F, '$3 == "created"' | wc -l)
echo "   results.csv: $rows rows, $distinct distinct row numbers, $created created"
check "results.csv holds every row exactly once" test "$rows" = "$n" -a "$distinct" = "$n"
check "every row was created" test "$created" = "$n"
check "row numbers run 1..$n" test "$(tail -n +2 results.csv | cut -d, -f1 | sort -n | sed -n '1p;$p' | tr '\n' ' ')" = "1 $n "

echo "== 2. export under Wine"
t0=$(date +%s.%N)
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" export -o export.csv --quiet 2>export.err
status=$?
set -e
echo "   exit $status in $(since "$t0") s"
[ "$status" = 0 ] || cat export.err
check "export exits 0" test "$status" = 0
# The org's logins, as exported, against the input's: each exactly once.
login_col=$(head -1 export.csv | tr ',' '\n' | grep -n -x 'login' | cut -d: -f1)
tail -n +2 export.csv | cut -d, -f"${login_col:-1}" | tr 'A-Z' 'a-z' | sort >exported.txt
tail -n +2 users.csv | cut -d, -f1 | tr 'A-Z' 'a-z' | sort >input.txt
echo "   export.csv: $(wc -l <exported.txt) users, $(sort -u exported.txt | wc -l) distinct logins"
check "the org holds every input login exactly once" cmp -s exported.txt input.txt

echo "== 3. TLS verification under Wine"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout key.pem -out cert.pem 2>/dev/null
start_mock mock2.out --tls-cert cert.pem --tls-key key.pem
echo "   okta-mock: $url (self-signed)"
head -6 users.csv >few.csv
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import few.csv -o untrusted.csv --quiet 2>untrusted.err
status=$?
set -e
echo "   without --ca-file: exit $status: $(grep -o -m1 'certificate verify failed[^"]*' untrusted.err || head -c 300 untrusted.err)"
check "an untrusted certificate is refused" test "$status" != 0
check "the refusal names certificate verification" grep -q 'certificate verify failed' untrusted.err untrusted.csv
check "no row was created through it" test "$(created_in untrusted.csv)" = 0
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import few.csv -o trusted.csv --quiet --ca-file cert.pem 2>trusted.err
status=$?
set -e
echo "   with --ca-file cert.pem: exit $status, $(created_in trusted.csv) created"
[ "$status" = 0 ] || cat trusted.err
check "the same certificate given with --ca-file is accepted" test "$status" = 0 -a "$(created_in trusted.csv)" = 5

echo "== 4. a run killed (kill -9, the Wine stand-in for a crash or a closed window), then --resume"
# (Ctrl-C is 5.)
head -2001 users.csv >u2.csv
start_mock mock3.out --limits create=100 --window 2
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import u2.csv -o r2.csv --quiet 2>killed.err &
victim=$!
for _ in $(seq 300); do [ "$(tail -n +2 r2.csv 2>/dev/null | wc -l)" -ge 300 ] && break; sleep 0.1; done
kill -9 "$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
before=$(tail -n +2 r2.csv | wc -l)
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import u2.csv -o r2.csv --resume --quiet 2>resume.err
status=$?
set -e
[ "$status" = 0 ] || cat resume.err
rows=$(tail -n +2 r2.csv | wc -l)
distinct=$(tail -n +2 r2.csv | cut -d, -f1 | sort -un | wc -l)
echo "   killed after $before of 2000 rows; --resume: exit $status, $rows rows, $distinct distinct, $(created_in r2.csv) created"
check "the killed run had finished some rows, not all" test "$before" -gt 0 -a "$before" -lt 2000
check "--resume exits 0" test "$status" = 0
check "after kill -9 and --resume every row is there exactly once, created" \
  test "$rows" = 2000 -a "$distinct" = 2000 -a "$(created_in r2.csv)" = 2000

echo "== 5. Ctrl-C part way, then --resume"
start_mock mock4.out --limits create=100 --window 2
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import u2.csv -o r3.csv --quiet 2>ctrlc.err &
victim=$!
for _ in $(seq 300); do [ "$(tail -n +2 r3.csv 2>/dev/null | wc -l)" -ge 300 ] && break; sleep 0.1; done
before=$(tail -n +2 r3.csv | wc -l)
t0=$(date +%s.%N)
kill -INT "$victim" 2>/dev/null || true
set +e
wait "$victim"
status=$?
set -e
echo "   Ctrl-C after $before rows: exit $status $(since "$t0") s later; stderr: $(tr '\n' ' ' <ctrlc.err | head -c 300)"
check "Ctrl-C: exit 130 (interrupted)" test "$status" = 130
check "Ctrl-C: okta-bulk said it was interrupted and printed the resume command" \
  grep -q -- '--resume' ctrlc.err
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import u2.csv -o r3.csv --resume --quiet 2>resume3.err
status=$?
set -e
[ "$status" = 0 ] || cat resume3.err
rows=$(tail -n +2 r3.csv | wc -l)
distinct=$(tail -n +2 r3.csv | cut -d, -f1 | sort -un | wc -l)
echo "   --resume: exit $status, $rows rows, $distinct distinct, $(created_in r3.csv) created"
check "after Ctrl-C and --resume every row is there exactly once, created" \
  test "$status" = 0 -a "$rows" = 2000 -a "$distinct" = 2000 -a "$(created_in r3.csv)" = 2000

echo "== 6. non-ASCII paths and arguments"
start_mock mock5.out
dir="données-日本"
mkdir "$dir"
cp few.csv "$dir/utilisateurs-é.csv"
set +e
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" import "$dir/utilisateurs-é.csv" -o "$dir/résultats-✓.csv" --quiet 2>utf8.err
status=$?
set -e
[ "$status" = 0 ] || cat utf8.err
echo "   import $dir/utilisateurs-é.csv -o $dir/résultats-✓.csv: exit $status, $(created_in "$dir/résultats-✓.csv") created"
check "an import from and to non-ASCII paths exits 0" test "$status" = 0
check "its results are at the non-ASCII name, 5 created" test "$(created_in "$dir/résultats-✓.csv")" = 5

echo "== 7. --write-temp-passwords (the secrets file's owner-only check)"
{ echo login; sed -n '2,4p' users.csv | cut -d, -f1; } >expire.csv  # (no `| head`: pipefail)
set +e
OKTA_CLIENT_ORGURL="$url1" OKTA_CLIENT_TOKEN=test-token \
  "$wine" "$exe" expire-password expire.csv --temp-password --write-temp-passwords --yes \
  -o expire-results.csv --quiet 2>expire.err
status=$?
set -e
[ "$status" = 0 ] || cat expire.err
secrets=$(tail -n +2 expire-results.csv.secrets 2>/dev/null | grep -c ',tempPassword,' || true)
mode=$(stat -c %a expire-results.csv.secrets 2>/dev/null || echo none)
echo "   exit $status; expire-results.csv.secrets: $secrets temporary passwords, Unix mode $mode"
check "expire-password --write-temp-passwords exits 0" test "$status" = 0
check "the secrets file holds the 3 temporary passwords" test "$secrets" = 3
check "the secrets file has no group or other permission bits on the host" \
  test "$mode" = 600 -o "$mode" = 700

echo "== 8. the platform seam on Windows (platform-check.exe)"
mkdir pc
set +e
"$wine" "$win_build/okta/platform-check.exe" pc >pc.out 2>&1
status=$?
set -e
sed 's/^/   /' pc.out
check "platform-check.exe: owner-only files, a non-ASCII name, a sparse 3 GiB file" test "$status" = 0

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
