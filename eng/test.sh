#!/usr/bin/env bash
# The whole test suite: analyzer and fix tests, runtime tests against real TLS peers on loopback,
# package tests (pack, local feed, consumer builds). Prints one "N passed, N failed" line at the end.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash eng/prerequisites.sh || exit 1
log="$(mktemp)"
dotnet test Analyzers.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
passed=$(sum Passed)
failed=$(sum Failed)
skipped=$(sum Skipped)
rm -f "$log"
echo "Total: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped in $((SECONDS / 60)) min $((SECONDS % 60)) s"
if [ "$status" -eq 0 ] && [ "${passed:-0}" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
