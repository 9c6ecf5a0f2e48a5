#!/usr/bin/env bash
# The load benchmark of issue 29 (docs/load.md): N TLS connections on loopback closed all at once from thread-pool
# threads by each TlsClose API and by the hand-written `await ssl.ShutdownAsync(); ssl.Dispose();`, against .NET
# SslStream peers (the CloseNotify.Testing kit, in a process of their own) and openssl s_server processes, with peers
# that answer, stay silent, keep sending after close_notify and reset. Each burst runs in a fresh process (a fresh
# thread pool); the ratios are to the hand-written close of the same N, peer and behaviour, measured in the same run.
#
#   bash eng/load-bench.sh [driver options]     default: --n 100,500,2000 (s_server peers capped at --openssl-max 100)
#
# Options (bench/Load.Bench): --n, --peers dotnet,openssl, --behaviours answers,silent,keepssending,resets,
# --apis handwritten,gracefulasync,graceful,notify,abort, --openssl-max, --drain-ms (2000), --slack-ms (100).
# The table is printed at the end and written to artifacts/load-bench/table.md; the per-burst log beside it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/load-bench"
mkdir -p "$out"
# Each connection holds a socket (and, for s_server peers, a process): the default of 1024 descriptors is too few.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "building bench/Load.Bench (Release)" >&2
dotnet build "$root/bench/Load.Bench" -c Release -nologo -v:q >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--n 100,500,2000 --behaviours answers,silent,keepssending,resets)
fi
started=$(date +%s)
dotnet "$root/bench/Load.Bench/bin/Release/net10.0/Load.Bench.dll" "${args[@]}" | tee "$out/run.log"
echo "total: $(( $(date +%s) - started )) s" | tee -a "$out/run.log"
awk '/^\| N \|/ { table = 1 } table && /^\|/ { print }' "$out/run.log" | awk '!seen[$0]++' >"$out/table.md"
