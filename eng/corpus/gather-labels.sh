#!/usr/bin/env bash
# Gathers the labels that the labellers wrote into <dir>/<library>.md (a fenced ```tsv block with the columns
# rule, file, line, expect, origin, shape, note; see eng/corpus/README.md) into the one labels.tsv the scorer
# reads, adding the library (the file's name) and the commit labelled (the first 40-hex-digit word of the file).
#
#   bash eng/corpus/gather-labels.sh [dir] > eng/corpus/labels.tsv      (dir defaults to /work/corpus-labels)
#
# Rows it cannot read (fewer than 4 columns) are reported on stderr, with their file and line, and left out;
# a note that itself contains tabs is joined back into one column.
set -euo pipefail
dir="${1:-/work/corpus-labels}"
printf '# CloseNotify corpus labels (issue 12): format in eng/corpus/README.md; regenerate with eng/corpus/gather-labels.sh.\n'
printf '# Tab-separated, one label a line; lines starting with # are comments.\n'
printf 'library\tcommit\trule\tfile\tline\texpect\torigin\tshape\tnote\n'
shopt -s nullglob
for md in "$dir"/*.md; do
  library="$(basename "$md" .md)"
  case "$library" in GUIDE|README) continue ;; esac
  commit="$(grep -oE '\b[0-9a-f]{40}\b' "$md" | head -1 || true)"
  if [ -z "$commit" ]; then
    echo "$md: no commit (40 hex digits) found; the commit column says 'unknown'" >&2
    commit=unknown
  fi
  awk -F'\t' -v OFS='\t' -v lib="$library" -v commit="$commit" -v md="$md" '
    { sub(/\r$/, "") }
    /^```/ { if (intsv) { intsv = 0; next } if ($0 ~ /^```tsv[ \t]*$/) { intsv = 1; next } }
    !intsv { next }
    /^[ \t]*$/ || /^#/ || $1 == "rule" { next }
    NF < 4 { printf "%s:%d: not a label (%d columns): %s\n", md, NR, NF, $0 > "/dev/stderr"; next }
    {
      note = $7
      for (i = 8; i <= NF; i++) note = note " " $i
      print lib, commit, $1, $2, $3, $4, $5, $6, note
    }' "$md"
done
