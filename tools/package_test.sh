#!/usr/bin/env bash
# Builds the Debian package (tools/package.sh), unpacks it into a temporary root with
# dpkg-deb -x (no root needed, nothing installed on the machine) and checks it from there:
# the computed Depends names libssl, okta-bulk --version runs, the man pages and completions
# are where they belong, and the unpacked okta-bulk imports 100 users (made by the unpacked
# gen-users) into the unpacked okta-mock on 127.0.0.1. Exit 0 when all of it holds.
#   tools/package_test.sh          (SKIP_BUILD=1 to test the newest dist/okta-bulk_*.deb)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" = 1 ]; then
  deb="$(ls -t "$root"/dist/okta-bulk_*.deb | head -1)"
else
  deb="$("$root/tools/package.sh" | tail -1)"
fi
[ -f "$deb" ] || fail "no package at '$deb'"
echo "package: $deb"
work="$(mktemp -d)"
mock_pid=""
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT

# Depends: computed by dpkg-shlibdeps (libssl3, libsimdjson, libc6, libstdc++6 ...).
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
# (Matched in the shell, not by `... | grep -q`: under pipefail, grep -q leaving at the first
# match can make the writer die of SIGPIPE and the pipeline fail though it matched.)
[[ $depends == *libssl* ]] || fail "Depends does not name libssl"
[[ $depends == *libsimdjson* ]] || fail "Depends does not name libsimdjson"

dpkg-deb -x "$deb" "$work/root"
usr="$work/root/usr"
for f in bin/okta-bulk bin/okta-mock bin/gen-users share/man/man1/okta-bulk.1 \
         share/man/man1/okta-mock.1 share/man/man1/gen-users.1 \
         share/bash-completion/completions/okta-bulk share/zsh/vendor-completions/_okta-bulk \
         share/fish/vendor_completions.d/okta-bulk.fish; do
  [ -s "$usr/$f" ] || fail "the package has no /usr/$f"
done

"$usr/bin/okta-bulk" --version >"$work/version" || fail "okta-bulk --version exited $?"
cat "$work/version"
grep -q "^okta-bulk [0-9]" "$work/version" || fail "--version has no version line"
grep -q "^OpenSSL: *OpenSSL 3" "$work/version" || fail "--version names no OpenSSL"
"$usr/bin/okta-mock" --version >/dev/null || fail "okta-mock --version"
"$usr/bin/gen-users" --version >/dev/null || fail "gen-users --version"
if command -v man >/dev/null; then
  man -l "$usr/share/man/man1/okta-bulk.1" >"$work/man.txt" 2>/dev/null || fail "man -l okta-bulk.1 exited $?"
  grep -q "import" "$work/man.txt" || fail "man -l okta-bulk.1 does not mention import"
fi
bash -c 'source "$0"; complete -p okta-bulk' "$usr/share/bash-completion/completions/okta-bulk" \
  >"$work/complete.txt" || fail "the bash completion does not load"
grep -q _okta_bulk "$work/complete.txt" || fail "the bash completion does not register _okta_bulk"

# A small import, every piece from the package.
"$usr/bin/okta-mock" --port 0 --groups-count 1 >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
url="$(head -1 "$work/mock.out" | grep -o 'http://[0-9.:]*')" || fail "okta-mock printed no URL"
"$usr/bin/gen-users" --count 100 -o "$work/users.csv"
status=0
OKTA_CLIENT_ORGURL="$url" OKTA_CLIENT_TOKEN=test-token \
  "$usr/bin/okta-bulk" import "$work/users.csv" -o "$work/results.csv" --quiet || status=$?
[ "$status" = 0 ] || fail "the import exited $status"
rows="$(tail -n +2 "$work/results.csv" | grep -c ',created,')" || true
[ "$rows" = 100 ] || fail "results.csv has $rows created rows, not 100"
echo "package_test: 1 passed, 0 failed (import of 100 users into okta-mock from $(basename "$deb"))"
