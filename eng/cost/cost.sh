#!/usr/bin/env bash
# The cost harness (issue 28; docs/cost.md): CloseNotify's time measured on the corpus libraries' real compilations,
# replayed in process so that a 10 % change is visible on a shared machine. One command each:
#
#   bash eng/cost/cost.sh capture [--no-lock] <checkouts-dir> [library...]   one real build per library
#        (eng/corpus.sh: ReportAnalyzer, the worktree's analyzers) in a copy of its checkout, which also leaves every
#        compilation's Csc arguments; those and the files they read are copied to the capture, with the real build's
#        figures (real.tsv). The copies go to $COST_CHECKOUTS (default $TMPDIR/closenotify-cost-checkouts), outside
#        this repository, whose Directory.Build.props a library would otherwise import. --no-lock: do not queue behind other corpus builds of the machine (the copies are ours;
#        only the real build's times suffer)
#   bash eng/cost/cost.sh capture-generated [--no-lock] [files]   the same for eng/bench-build.sh's generated base
#        (default 1500 files), one file in 10 with TLS (generated-tls) and none (generated-notls)
#   bash eng/cost/cost.sh run [--runs N] [--analyzers DIR|REV] [--concurrent] [library...]
#        compile alone, the empty-callback floor and CloseNotify, interleaved: the cost table
#   bash eng/cost/cost.sh ab [--runs N] [--concurrent] <A> <B> [library...]
#        two builds of the analyzers interleaved on the same compilations: B / A per library and rule
#   run and ab replay with tiered compilation off (the analyzers' code optimized from the warm-up round on: the
#        rules' steady work); --tiered keeps the runtime's default JIT (the first rounds then measure tier-0 code)
#   bash eng/cost/cost.sh table <raw.tsv>                         the run or ab table again from a raw file (a run
#        stopped early: its complete counted rounds)
#   bash eng/cost/cost.sh analyzers <A> [<B>...]                  build those analyzers now (run and ab build them too)
#   bash eng/cost/cost.sh selftest                                capture, run and A/B on eng/corpus/selftest/Sample
#
# A, B and --analyzers: a git revision (built from a copy of that commit) or a folder with CloseNotify.Analyzers.dll;
# default: the worktree. profile:<revision|worktree> builds it with the profiling counters (-p:CostProfile=true);
# COST_TRACE=1 then prints, per compilation, where TLS001's and TLS003's time went and TLS004's phases. --runs:
# counted rounds (default 15). Libraries default to every one captured. Options --capture DIR (default
# artifacts/cost/capture) and --raw FILE (every run, tab-separated) go to run and ab.
# Time: a round replays each compilation once per variant, so run takes about (runs + 1) x 3 x the library's compile
# time and ab (runs + 1) x 2 x; each library prints its own estimate after its warm-up round.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/eng/corpus/common.sh"
out="$root/artifacts/cost"
capture="$out/capture"
# The copies of the checkouts that the capture builds: outside this repository, whose Directory.Build.props and
# Directory.Packages.props a library without its own would otherwise import.
copies="${COST_CHECKOUTS:-${TMPDIR:-/tmp}/closenotify-cost-checkouts}"
harness="$root/eng/cost/Harness"

build_harness() {
  mkdir -p "$out"
  if ! dotnet build "$harness" -c Release -nologo -v:q -nodeReuse:false >"$out/harness-build.log" 2>&1; then
    cat "$out/harness-build.log" >&2
    return 1
  fi
}

# The replays run with tiered compilation off unless --tiered: the analyzers' code is then optimized when first
# JIT-compiled, in the uncounted warm-up round. With the runtime's default, the analyzers run as unoptimized tier-0
# code for the first rounds and are recompiled on a background thread at an unpredictable round, A's and B's
# assemblies each at its own: measured on FluentFTP (2026-12-08), TLS001 took 120-900 ms a run in rounds 1-4 and
# 20-50 ms from round 5 on, so a 5-round median measured the JIT, not the rules (docs/cost.md).
harness() {
  if [ "$tiered" -eq 1 ]; then
    dotnet "$harness/bin/Release/net10.0/CloseNotify.Cost.dll" "$@"
  else
    DOTNET_TieredCompilation=0 dotnet "$harness/bin/Release/net10.0/CloseNotify.Cost.dll" "$@"
  fi
}

# analyzers_of <worktree|folder|revision|profile:worktree|profile:revision>: prints the folder holding that build of
# CloseNotify.Analyzers.dll. profile: builds with the profiling counters and TLS004's trace (-p:CostProfile=true).
analyzers_of() {
  local what="$1" commit dir profile=()
  if [ "${what#profile:}" != "$what" ]; then
    what="${what#profile:}"
    profile=(-p:CostProfile=true)
  fi
  if [ "$what" = worktree ]; then
    dir="$out/analyzers/${profile:+profile-}worktree"
    build_analyzers "$root" "$dir" "${profile[@]}" >&2 || return 1
  elif [ -f "$what/CloseNotify.Analyzers.dll" ]; then
    dir="$(realpath "$what")"
  else
    commit="$(git -C "$root" rev-parse --verify "$what^{commit}")" || { echo "neither a folder with CloseNotify.Analyzers.dll nor a revision: $what" >&2; return 1; }
    dir="$out/analyzers/${profile:+profile-}$commit"
    if [ ! -f "$dir/CloseNotify.Analyzers.dll" ]; then
      echo "building the analyzers of $what ($commit)${profile:+ with the profiling counters}" >&2
      rm -rf "$out/src/$commit"
      mkdir -p "$out/src/$commit"
      git -C "$root" archive "$commit" | tar -x -C "$out/src/$commit"
      build_analyzers "$out/src/$commit" "$dir" "${profile[@]}" >&2 || return 1
      echo "$commit" >"$dir/commit"
    fi
  fi
  echo "$dir"
}

# corpus <corpus.sh arguments...>: eng/corpus.sh, under the machine-wide lock unless --no-lock (then the lock is a
# file of our own: the builds are of our copies, nobody else's).
corpus() {
  if [ "$no_lock" -eq 1 ]; then
    mkdir -p "$out/lock/corpus"
    TMPDIR="$out/lock/corpus" bash "$root/eng/corpus.sh" "$@"
  else
    bash "$root/eng/corpus.sh" "$@"
  fi
}

# copy_checkout <checkout> <copy>: the library's working tree without its git data and build outputs. The capture
# builds there: the read-only checkouts stay untouched, and no other run's build of the same checkout can delete the
# outputs the captured arguments name.
copy_checkout() {
  rm -rf "$2"
  mkdir -p "$2"
  tar -C "$1" -cf - --exclude=.git --exclude=obj --exclude='bin/Release' --exclude='bin/Debug' \
    --exclude=./artifacts --exclude='global.json.closenotify-aside' . | tar -C "$2" -xf -
}

# snapshot <library> <build-dir>: the capture of one library from a build's result folder.
snapshot() {
  local lib="$1" build="$2"
  if ! ls "$build/csc/"*.rsp >/dev/null 2>&1; then
    echo "  $lib: the build left no Csc arguments in $build/csc (did it fail?)" >&2
    return 1
  fi
  harness snapshot "$build/csc" "$capture/$lib" || return 1
  cp "$(ls "$build"/cost-*.tsv | tail -1)" "$capture/$lib/real.tsv" 2>/dev/null
  cp "$build/../analyzers/commit" "$capture/$lib/real.commit" 2>/dev/null || true
}

command="${1:-}"
shift || true
runs=15
no_lock=0
tiered=0
passthrough=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --analyzers) analyzers="$2"; shift ;;
    --capture) capture="$(realpath -m "$2")"; shift ;;
    --raw) passthrough+=(--raw "$(realpath -m "$2")"); shift ;;
    --concurrent) passthrough+=(--concurrent) ;;
    --no-lock) no_lock=1 ;;
    --tiered) tiered=1 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done

case "$command" in
  capture)
    [ $# -ge 1 ] || { sed -n '2,32p' "$0" >&2; exit 2; }
    checkouts="$(realpath "$1")"
    shift
    libs=("$@")
    [ ${#libs[@]} -gt 0 ] || libs=("${corpus_libraries[@]}")
    build_harness || exit 1
    status=0
    # One library at a time, each captured as soon as it is built (a long run yields every library it reached).
    for lib in "${libs[@]}"; do
      echo "$lib: copying the checkout to $copies/$lib" >&2
      copy_checkout "$checkouts/$lib" "$copies/$lib" || { status=1; continue; }
      corpus --out "$out/build" "$copies" "$lib" >"$out/capture-$lib.md" || status=1
      snapshot "$lib" "$out/build/$lib" || status=1
    done
    echo "captured in $capture (the real builds' label tables: $out/capture-<library>.md)" >&2
    exit "$status" ;;
  capture-generated)
    files="${1:-1500}"
    build_harness || exit 1
    if [ "$no_lock" -eq 1 ]; then
      mkdir -p "$out/lock/generated"
      BENCH_REPEAT=1 TMPDIR="$out/lock/generated" bash "$root/eng/bench-build.sh" "$files" 10 0 | tee "$out/capture-generated.md" || exit 1
    else
      BENCH_REPEAT=1 bash "$root/eng/bench-build.sh" "$files" 10 0 | tee "$out/capture-generated.md" || exit 1
    fi
    snapshot generated-tls "$root/artifacts/bench-build/tls-every-10" || exit 1
    snapshot generated-notls "$root/artifacts/bench-build/tls-every-0" || exit 1
    ;;
  run)
    build_harness || exit 1
    dir="$(analyzers_of "${analyzers:-worktree}")" || exit 1
    harness run --capture "$capture" --analyzers "$dir" --runs "$runs" "${passthrough[@]}" "$@" ;;
  ab)
    [ $# -ge 2 ] || { sed -n '2,32p' "$0" >&2; exit 2; }
    build_harness || exit 1
    a="$(analyzers_of "$1")" || exit 1
    b="$(analyzers_of "$2")" || exit 1
    shift 2
    harness ab --capture "$capture" --a "$a" --b "$b" --runs "$runs" "${passthrough[@]}" "$@" ;;
  table)
    [ $# -ge 1 ] || { sed -n '2,32p' "$0" >&2; exit 2; }
    build_harness || exit 1
    harness table "$(realpath "$1")" "$capture" ;;
  analyzers)
    # Builds (or finds) the analyzers of each revision or folder given, and prints where they are.
    for what in "$@"; do
      analyzers_of "$what" || exit 1
    done ;;
  selftest)
    exec bash "$root/eng/cost/selftest.sh" ;;
  *)
    sed -n '2,32p' "$0" >&2
    exit 2 ;;
esac
