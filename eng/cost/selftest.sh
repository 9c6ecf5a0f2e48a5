#!/usr/bin/env bash
# Self-test of the cost harness on the repository's own small sample (eng/corpus/selftest/Sample): captures its
# compilation from a real build, replays it with the floor and CloseNotify, then A/B with the same build on both
# sides, and checks what the tables must say: the replay compiles (else the harness fails), the floor follows
# CloseNotify's registrations, CloseNotify reports on the sample and the floor does not, no AD0001, every ratio a
# number with an interval, and A against itself near 1. A minute on a quiet machine. Not part of eng/test.sh (it
# builds, like the corpus runs).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/eng/corpus/common.sh"
out="$root/artifacts/cost/selftest"
rm -rf "$out"
mkdir -p "$out/lock"
start=$(date +%s)
failed=0
check() {
  if grep -qE -- "$2" <<<"$3"; then
    echo "ok: $1"
  else
    echo "FAILED: $1 (no line matching: $2)" >&2
    failed=1
  fi
}

# The capture: the sample's real build (its own lock: the sample is ours, and this run measures nothing that matters).
TMPDIR="$out/lock" bash "$root/eng/corpus.sh" --labels "$root/eng/corpus/selftest/labels.tsv" --out "$out/build" \
  "$root/eng/corpus/selftest" Sample >"$out/corpus.md" 2>"$out/corpus.log" || { cat "$out/corpus.log" >&2; exit 1; }
dotnet build "$root/eng/cost/Harness" -c Release -nologo -v:q -nodeReuse:false >"$out/harness-build.log" 2>&1 || { cat "$out/harness-build.log" >&2; exit 1; }
harness="$root/eng/cost/Harness/bin/Release/net10.0/CloseNotify.Cost.dll"
dotnet "$harness" snapshot "$out/build/Sample/csc" "$out/capture/Sample" || exit 1
cp "$out/build/Sample/cost-1.tsv" "$out/capture/Sample/real.tsv"
analyzers="$out/build/analyzers"

run="$(dotnet "$harness" run --capture "$out/capture" --analyzers "$analyzers" --runs 3 --raw "$out/run.tsv" 2>"$out/run.log")" || { cat "$out/run.log" >&2; echo "$run"; exit 1; }
echo "$run"
log="$(cat "$out/run.log")"
number='[0-9][0-9.,]*'
interval="$number %? \\[$number %?, $number %?\\]|$number× \\[$number×, $number×\\]"
check "the replay compiled and ran every variant" "^\| Sample \| 1 \| " "$run"
check "CloseNotify's share of the compile, with its interval" "^\| Sample \| 1 \| [^|]+\| $number \($number–$number\) \| $number \($number–$number\) \| $number % \[$number %, $number %\] \|" "$run"
check "the ratio to the floor, with its interval" "^\| Sample \| 1 \|([^|]+\|){5} $number× \[$number×, $number×\] \|" "$run"
check "no AD0001, and the real build's figures beside the replay's" "^\| Sample \| 1 \|([^|]+\|){6} [1-9][0-9]* \| 0 \| $number / $number = $number % \|" "$run"
check "a row per rule" "^\| Sample \| TLS006 \| " "$run"
check "TLS001 reports on the sample in the replay" "^\| Sample \| TLS001 \|([^|]+\|){4} [1-9][0-9]* \|$" "$run"
check "the floor follows TLS001's registrations (the flow model's operation kinds, blocks, compilation end)" \
  "TLS001: compilationStart; at compilation start: operation\([A-Za-z,]*Invocation[A-Za-z,]*\) operationBlock compilationEnd" "$log"
check "the floor follows TLS002's (one operation action on invocations)" "TLS002: compilationStart; at compilation start: operation\(Invocation\)" "$log"
floor_warnings=$(awk -F'\t' '$4 == "floor" && $5 == "all" { s += $7 } END { print s + 0 }' "$out/run.tsv")
[ "$floor_warnings" -eq 0 ] && echo "ok: the floor reports nothing" || { echo "FAILED: the floor reported $floor_warnings diagnostics" >&2; failed=1; }
rounds=$(awk -F'\t' 'NR > 1 && $1 > 0 && $4 == "compile" { n++ } END { print n + 0 }' "$out/run.tsv")
[ "$rounds" -eq 3 ] && echo "ok: 3 counted rounds of the compile" || { echo "FAILED: $rounds counted compile runs, not 3" >&2; failed=1; }

ab="$(dotnet "$harness" ab --capture "$out/capture" --a "$analyzers" --b "$analyzers" --runs 3 --raw "$out/ab.tsv" 2>"$out/ab.log")" || { cat "$out/ab.log" >&2; echo "$ab"; exit 1; }
echo "$ab"
check "A/B: B / A with its interval, the same warnings on both sides" "^\| Sample \| [^|]+\| \*\*all\*\* \| $number \($number–$number\) \| $number \($number–$number\) \| $number× \[$number×, $number×\] \| ([0-9]+) → \1 \|$" "$ab"
median=$(grep -E '^\| Sample \|' <<<"$ab" | sed -E 's/.*\| ([0-9.]+)× \[.*/\1/')
if awk -v m="$median" 'BEGIN { exit !(m > 0.5 && m < 2) }'; then echo "ok: the same build against itself: B / A = $median"; else echo "FAILED: the same build against itself gave B / A = $median" >&2; failed=1; fi

check "A/B: the same diagnostics on both sides, compared in the warm-up round" "A and B report the same [0-9]+ diagnostics" "$(cat "$out/ab.log")"
table="$(dotnet "$harness" table "$out/run.tsv")"
check "table: the run's table recomputed from its raw runs" "^\| Sample \(3 rounds\) \| [0-9]+ \|" "$table"

echo "cost self-test: $([ "$failed" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
exit "$failed"
