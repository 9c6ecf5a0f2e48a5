#!/usr/bin/env bash
# The main job: runs the CloseNotify analyzers over the demo program and prints the TLS warnings.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log="$(mktemp)"
# --no-incremental: an up-to-date build skips the compiler, and with it the warnings.
dotnet build samples/Demo/Demo.csproj -c Release --no-incremental -nologo 2>&1 > "$log"
status=$?
# MSBuild repeats each warning in its summary; print each once, with the path made relative.
grep -E ' (warning|error) TLS[0-9]{3}' "$log" | sed -e "s|$root/||g" -e 's/ \[[^]]*\]$//' | sort -u
count=$(grep -E ' warning TLS[0-9]{3}' "$log" | sed -e 's/ \[[^]]*\]$//' | sort -u | wc -l)
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  rm -f "$log"
  exit "$status"
fi
rm -f "$log"
echo "$count TLS warning(s)"
