#!/usr/bin/env bash
# CloseNotify's share of the compile time in a REAL build of the generated benchmark code base (issue 12: the
# in-memory bench, bench/Analyzers.Bench, measures the analyzer driver alone; users see `dotnet build`).
# Writes the code base as a project (bench/Analyzers.Bench --write), builds it with the analyzers added the way
# eng/corpus.sh adds them (-p:CustomAfterMicrosoftCommonTargets, -p:ReportAnalyzer=true, detailed file log) and
# prints a markdown table: Csc time, CloseNotify's time per rule and in total, and the share.
#
#   bash eng/bench-build.sh [files] [tls-every...]     default: 1500 files, one file in 10, in 20, and none (0)
#
# Each code base is built once to warm up the file cache and the compiler server, if on (not counted), then
# BENCH_REPEAT times (default 3); each figure is the fastest of those builds. Output under artifacts/bench-build/.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/eng/corpus/common.sh"
files="${1:-1500}"
shift || true
densities=("$@")
if [ ${#densities[@]} -eq 0 ]; then
  densities=(10 20 0)
fi
repeat="${BENCH_REPEAT:-3}"
out="$root/artifacts/bench-build"
mkdir -p "$out"
# The corpus builds' machine-wide lock: one measured build at a time on the machine (9>&- below: no dotnet
# process, nor a compiler server it starts, inherits it).
exec 9>"${TMPDIR:-/tmp}/closenotify-corpus.lock"
flock -n 9 || { echo "waiting for another corpus or bench build on this machine to finish" >&2; flock 9; }

echo "building CloseNotify's analyzers and the bench (Release)" >&2
build_analyzers "$root" "$out/analyzers" 9>&- || exit 1
if ! dotnet build "$root/bench/Analyzers.Bench" -c Release -nologo -v:q -nodeReuse:false >"$out/bench-build.log" 2>&1 9>&-; then
  cat "$out/bench-build.log" >&2
  exit 1
fi

# fastest <cost-tsv...>: "csc ours TLS001=ms TLS002=ms ..." with each figure the smallest over the builds.
fastest() {
  awk -F'\t' '
    FNR == 1 { runs++ }
    $1 == "csc" { csc[runs] += $4 }
    $1 == "asm" && $3 == "CloseNotify.Analyzers" { ours[runs] += $4 }
    $1 == "type" && index($3, "CloseNotify.Analyzers|") == 1 {
      rule = $3
      sub(/^.*\(/, "", rule)
      sub(/\).*$/, "", rule)
      if (!(rule in seen)) { seen[rule] = 1; names[++n] = rule }
      t[runs, rule] += $4
    }
    function min(a, i,   m, r) { m = -1; for (r = 1; r <= runs; r++) if (m < 0 || a[r] < m) m = a[r]; return m }
    END {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && names[j] < names[j - 1]; j--) { s = names[j]; names[j] = names[j - 1]; names[j - 1] = s }
      line = min(csc) " " min(ours)
      for (i = 1; i <= n; i++) {
        m = -1
        for (r = 1; r <= runs; r++) if (m < 0 || t[r, names[i]] < m) m = t[r, names[i]]
        line = line " " names[i] "=" m
      }
      print line
    }' "$@"
}

# The compiler server: MSBuild reads UseSharedCompilation from the environment. Off (false), every Csc is a new
# compiler process that loads and JIT-compiles the analyzers again, as in a CI build; on, a warm server has them.
echo "compiler server: $([ "${UseSharedCompilation:-true}" = false ] && echo 'off (UseSharedCompilation=false)' || echo on)"
echo
echo "| code base | files | TLS files | Csc ms | CloseNotify ms | per rule ms | CloseNotify / Csc | TLS warnings |"
echo "|---|---:|---:|---:|---:|---|---:|---:|"
status=0
for every in "${densities[@]}"; do
  name="tls-every-$every"
  dir="$out/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  dotnet run -c Release --no-build --project "$root/bench/Analyzers.Bench" -- --write "$dir/src" "$files" "$every" 9>&- || exit 1
  tls=$(grep -l 'SslStream' "$dir"/src/File*.cs | wc -l)
  write_targets "$dir/closenotify.targets" "$out/analyzers" "$dir/sarif"
  if ! dotnet restore "$dir/src/Generated.csproj" -nologo -v:q -nodeReuse:false >"$dir/restore.log" 2>&1 9>&-; then
    cat "$dir/restore.log" >&2
    exit 1
  fi
  for n in $(seq 0 "$repeat"); do
    mapfile -t measure < <(measure_args "$dir/closenotify.targets" "$dir/build-$n.log")
    echo "  $name: build $n of $repeat$([ "$n" -eq 0 ] && echo ' (warm-up, not counted)')" >&2
    if ! dotnet build "$dir/src/Generated.csproj" --no-incremental --no-restore -c Release "${measure[@]}" \
        -p:TreatWarningsAsErrors=false >"$dir/console-$n.log" 2>&1 9>&-; then
      grep -E ': error ' "$dir/console-$n.log" | sort -u | head -10 >&2
      status=1
      continue 2
    fi
    [ "$n" -gt 0 ] && cost_tsv "$dir/build-$n.log" >"$dir/cost-$n.tsv"
  done
  read -r csc ours rules <<<"$(fastest "$dir"/cost-*.tsv)"
  warnings=$(cat "$dir"/sarif/*.sarif | grep -cE '"ruleId": "TLS[0-9]{3}"')
  share=$(awk -v o="$ours" -v c="$csc" 'BEGIN { if (c > 0) printf "%.2f %%", 100 * o / c; else print "n/a" }')
  echo "| $([ "$every" -eq 0 ] && echo "no TLS" || echo "1 file in $every with TLS") | $files | $tls | $csc | $ours | ${rules:-} | $share | $warnings |"
done
exit "$status"
