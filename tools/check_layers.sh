#!/usr/bin/env bash
# Checks the layering of the sources (ARCHITECTURE.md): net/ includes nothing of pipeline/ or
# tools/; pipeline/ includes nothing of tools/; and inside pipeline/ a room includes only
# itself and the rooms before it in the order files, csv, rows, okta, engine, jobs, report.
# Prints every include that runs the wrong way and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
rooms=(files csv rows okta engine jobs report)
rank() { local i; for i in "${!rooms[@]}"; do [ "${rooms[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
bad=0
checked=0
while IFS= read -r file; do
  checked=$((checked + 1))
  while IFS= read -r target; do
    case "$file" in
      net/*)
        case "$target" in pipeline/*|tools/*) echo "$file includes $target (net/ is the bottom layer)"; bad=1 ;; esac ;;
      pipeline/*)
        case "$target" in
          tools/*) echo "$file includes $target (pipeline/ may not include tools/)"; bad=1 ;;
          pipeline/*)
            from=$(echo "$file" | cut -d/ -f2); to=$(echo "$target" | cut -d/ -f2)
            if [ "$(rank "$from")" -lt 0 ] || [ "$(rank "$to")" -lt 0 ]; then
              echo "$file includes $target (every pipeline source lives in one of: ${rooms[*]})"; bad=1
            elif [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
              echo "$file includes $target ($from/ may not include the later room $to/)"; bad=1
            fi ;;
        esac ;;
    esac
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
done < <(find net pipeline \( -name '*.h' -o -name '*.cc' \) | sort)
if [ "$bad" -ne 0 ]; then exit 1; fi
echo "layers: $checked files, every include runs down"
