#!/usr/bin/env bash
# One command to rerun the end-to-end benchmark from a fresh machine:
#   bench/run.sh [--quick] [--scenarios unlimited,little,a,b,c,d,faults] [...e2e.py flags]
# Installs what the harness needs if missing (wrk, node/npm, GNU time, taskset), installs the
# Node SDK peer from bench/package-lock.json (npm ci), builds okta-bulk, okta-mock and gen-users
# in Release into build-bench/, then runs bench/e2e.py, which writes bench/results.md and
# bench/throughput.svg. All benchmark traffic stays on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${BUILD_DIR:-$root/build-bench}"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
[[ -x /usr/bin/time ]] || need+=(time)
command -v taskset >/dev/null || need+=(util-linux)
command -v python3 >/dev/null || need+=(python3)
command -v cmake >/dev/null || need+=(cmake)
command -v ninja >/dev/null || need+=(ninja-build)
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  sudo_cmd=(); [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
fi

# The Node SDK peer, pinned by package-lock.json.
if [[ ! -d "$here/node_modules/@okta/okta-sdk-nodejs" ]] || \
   [[ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" okta-bulk okta-mock gen-users

exec python3 "$here/e2e.py" --build-dir "$build/tools" "$@"
