#!/usr/bin/env bash
# Self-test of the corpus tooling: builds eng/corpus/selftest/Sample (our own tiny library with known TLS close
# sites) through eng/corpus.sh like a corpus library, scores it against eng/corpus/selftest/labels.tsv (some
# labels deliberately wrong, so that TP, FP, FN, held silents and an unimplemented rule all occur) and checks the
# accuracy rows. Fails when the build, the SARIF reading, the matching or the scorer's arithmetic breaks.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/eng/corpus/selftest"
output="$(bash "$root/eng/corpus.sh" --labels "$here/labels.tsv" --out "$root/artifacts/corpus-selftest" "$here" Sample)"
echo "$output"
failed=0
while IFS= read -r row; do
  if ! grep -qF -- "$row" <<<"$output"; then
    echo "MISSING: $row" >&2
    failed=1
  fi
done <<'ROWS'
| Sample | TLS001 | 1 | 0 | 1 | 100 % | 50 % | 0/0 |
| Sample | TLS002 | 1 | 0 | 0 | 100 % | 100 % | 1/1 |
| Sample | TLS003 | 0 | 1 | 0 | 0 % | n/a | 0/1 |
| Sample | TLS004 (not implemented) | 0 | 0 | 1 | n/a | 0 % | 0/0 |
- FP TLS003 `Connections.cs:30`
- FN TLS001 `Connections.cs:38`
ROWS
if grep -q '^| Sample | ' <<<"$output" && grep -qE '^\| Sample \| [0-9a-f-]+ \| 1 \| [0-9]+ \| [0-9,]+ \| 0 \| 0 \| [0-9]+ \| ' <<<"$output"; then
  :
else
  echo "MISSING: the cost row of Sample (1 compilation, no AD0001, no load failure)" >&2
  failed=1
fi
[ "$failed" -eq 0 ] && echo "corpus self-test: passed" || echo "corpus self-test: FAILED" >&2
exit "$failed"
