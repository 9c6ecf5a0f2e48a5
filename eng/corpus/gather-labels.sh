#!/usr/bin/env bash
# Gathers the labels that the labellers wrote into <dir>/<library>.md (a fenced ```tsv block with the columns
# rule, file, line, expect, origin, shape, note; see eng/corpus/README.md) into the one labels.tsv the scorer
# reads, adding the library (the file's name) and the commit labelled (the first 40-hex-digit word of the file).
#
#   bash eng/corpus/gather-labels.sh [dir] > eng/corpus/labels.tsv      (dir defaults to /work/corpus-labels)
#   bash eng/corpus/gather-labels.sh --update eng/corpus/labels.tsv [dir]
#
# --update FILE  rewrites FILE in place: the rows of every library that has a <library>.md in dir are replaced by
#                the rows of that file, the rows of every other library are kept exactly as they are (in their
#                order, first). This is how a new labelling round adds libraries without the .md files of the
#                earlier rounds (issue 26 added six libraries to issue 12's five this way).
# Rows it cannot read (fewer than 4 columns) are reported on stderr, with their file and line, and left out;
# a note that itself contains tabs is joined back into one column.
set -euo pipefail
update=""
if [ "${1:-}" = "--update" ]; then
  update="$(realpath "$2")"
  shift 2
  [ -f "$update" ] || { echo "no labels file $update" >&2; exit 2; }
fi
dir="${1:-/work/corpus-labels}"

# The rows of <md>, as labels.tsv rows.
md_rows() {
  local md="$1" library commit
  library="$(basename "$md" .md)"
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
}

shopt -s nullglob
mds=()
for md in "$dir"/*.md; do
  case "$(basename "$md" .md)" in GUIDE|README) continue ;; esac
  mds+=("$md")
done

gather() {
  printf '# CloseNotify corpus labels (issue 12): format in eng/corpus/README.md; regenerate with eng/corpus/gather-labels.sh.\n'
  printf '# Tab-separated, one label a line; lines starting with # are comments.\n'
  printf 'library\tcommit\trule\tfile\tline\texpect\torigin\tshape\tnote\n'
  if [ -n "$update" ]; then
    # Kept: the data rows of the libraries no .md file replaces, byte for byte (the header and comments are
    # written above; the columns are found by name in the old header).
    local replaced=""
    for md in "${mds[@]}"; do replaced="$replaced$(basename "$md" .md)"$'\n'; done
    awk -F'\t' -v replaced="$replaced" '
      BEGIN { n = split(replaced, names, "\n"); for (i = 1; i <= n; i++) if (names[i] != "") skip[names[i]] = 1 }
      /^#/ { next }
      !header { header = 1; for (i = 1; i <= NF; i++) if ($i == "library") col = i; next }
      !($col in skip) { print }' "$update"
  fi
  for md in "${mds[@]}"; do md_rows "$md"; done
}

if [ -n "$update" ]; then
  tmp="$(mktemp "$update.XXXXXX")"
  gather >"$tmp"
  mv "$tmp" "$update"
else
  gather
fi
