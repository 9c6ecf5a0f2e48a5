#!/usr/bin/env bash
# The development corpus (issue 12): builds each library of a directory of checkouts with CloseNotify's
# analyzers (Release, from this repository) added, without editing the library, and prints on stdout the
# markdown table of TP / FP / FN, precision, recall per library and rule, AD0001 and CloseNotify's share of
# the compile time, then the false positives and negatives to work on. Progress goes to stderr.
#
#   bash eng/corpus.sh [--repeat N] [--ca2000] [--score-only] [--labels FILE] [--out DIR] <checkouts-dir> [library...]
#
# <checkouts-dir>/<library> is a git checkout (the directory name is the library's name in the labels).
# --repeat N    build each library N times (default 1) and take the fastest time of each figure: a busy core or
#               a GC pause inflates a time, never deflates it
# --ca2000      also build each library once more with CA2000 on, for its time next to ours (a separate
#               build: CA2000 costs more than the compile itself, and would inflate the Csc time we divide by)
# --score-only  rescore the logs of the last run (after a labels change) without building anything
# --labels      the labels (default eng/corpus/labels.tsv; format in eng/corpus/README.md)
# --out         where logs, SARIF files and results go (default artifacts/corpus)
# One library builds at a time, one project at a time (-m:1): the times are compared with each other.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/eng/corpus/common.sh"

repeat=1
ca2000=0
score_only=0
labels="$root/eng/corpus/labels.tsv"
out="$root/artifacts/corpus"
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat="$2"; shift ;;
    --ca2000) ca2000=1 ;;
    --score-only) score_only=1 ;;
    --labels) labels="$(realpath "$2")"; shift ;;
    --out) out="$(realpath -m "$2")"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
if [ $# -lt 1 ]; then
  sed -n '2,18p' "$0" >&2
  exit 2
fi
checkouts="$(realpath "$1")"
shift
libraries=("$@")
if [ ${#libraries[@]} -eq 0 ]; then
  libraries=("${corpus_libraries[@]}")
fi
configuration="${CORPUS_CONFIGURATION:-Release}"

# What each library needs to build one TFM here (shared/CORPUS.md): its project(s), the TFM, extra arguments.
library_config() {
  extra=()
  remove_packages=()
  case "$1" in
    npgsql) projects=(src/Npgsql/Npgsql.csproj); tfm=net10.0 ;;
    nats.net) projects=(src/NATS.Client.Core/NATS.Client.Core.csproj); tfm=net10.0 ;;
    # Older targeting packs are missing from the package mirror: restore and build net8.0 only.
    FluentFTP) projects=(FluentFTP/FluentFTP.csproj); tfm=net8.0; extra=(-p:TargetFrameworks=net8.0) ;;
    # Package validation wants the baseline package and every TFM.
    MySqlConnector) projects=(src/MySqlConnector/MySqlConnector.csproj); tfm=net10.0
      extra=(-p:TargetFrameworks=net10.0 -p:EnablePackageValidation=false) ;;
    SuperSocket) projects=(src/SuperSocket.Server/SuperSocket.Server.csproj src/SuperSocket.Client/SuperSocket.Client.csproj)
      tfm=net8.0; extra=(-p:TargetFrameworks=net8.0) ;;
    MailKit) projects=(MailKit/MailKit.csproj); tfm=net10.0; extra=(-p:TargetFrameworks=net10.0) ;;
    # Its global.json pins SDK 8.0.100 (latestFeature): moved aside for the build, as SuperSocket's.
    rabbitmq-dotnet-client) projects=(projects/RabbitMQ.Client/RabbitMQ.Client.csproj); tfm=net8.0 ;;
    StackExchange.Redis) projects=(src/StackExchange.Redis/StackExchange.Redis.csproj); tfm=net10.0 ;;
    DotNetty) projects=(src/DotNetty.Handlers/DotNetty.Handlers.csproj); tfm=net6.0; extra=(-p:TargetFrameworks=net6.0) ;;
    # Builds Source/MQTTnet too (a project reference).
    MQTTnet) projects=(Source/MQTTnet.Server/MQTTnet.Server.csproj); tfm=net10.0 ;;
    # Its native OpenSSL binaries package (openssl-native) is not on the package mirror, and the C# code needs none
    # of it to compile: the generated targets remove the reference (restore included), nothing is edited.
    DotNetCampus.HttpClientOverOpenSsl)
      projects=(src/DotNetCampus.HttpClientOverOpenSsl/DotNetCampus.HttpClientOverOpenSsl.csproj); tfm=net8.0
      extra=(-p:TargetFrameworks=net8.0 -p:GeneratePackageOnBuild=false); remove_packages=(openssl-native) ;;
    # Our own tiny library with known close sites: eng/corpus/selftest.sh.
    Sample) projects=(Sample.csproj); tfm=net10.0 ;;
    *) echo "unknown library '$1' (known: ${corpus_libraries[*]})" >&2; return 1 ;;
  esac
}

# Common to every library: warnings stay warnings (our own would otherwise fail the build), no vulnerability
# audit (it needs the network's advisory feed and fails on old pins), and analyzers run during the build even
# where the library turns them off (MySqlConnector does, in its src/Directory.Build.props).
common=(-p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -p:CodeAnalysisTreatWarningsAsErrors=false
  -p:MSBuildTreatWarningsAsErrors=false -p:NuGetAudit=false -p:RunAnalyzersDuringBuild=true -p:RunAnalyzers=true)

# A global.json pinning an SDK this machine lacks (SuperSocket: 9.0.0, latestFeature) is moved aside for the
# build and put back afterwards, on failure and on Ctrl-C too; a copy left aside by a killed run is put back
# first.
aside=""
put_back() {
  if [ -n "$aside" ] && [ -f "$aside.closenotify-aside" ]; then
    mv "$aside.closenotify-aside" "$aside"
  fi
  aside=""
}
trap put_back EXIT
trap 'put_back; exit 130' INT TERM

# A traversal project: builds the library's project(s) for one TFM in ONE build, so that a project referenced
# by both of SuperSocket's projects compiles once (MSBuild builds a project once per set of global properties).
write_traversal() {
  local file="$1" checkout="$2"
  {
    echo '<Project>'
    echo '  <ItemGroup>'
    for p in "${projects[@]}"; do echo "    <LibraryProject Include=\"$checkout/$p\" />"; done
    echo '  </ItemGroup>'
    for t in Build Rebuild; do
      echo "  <Target Name=\"$t\"><MSBuild Projects=\"@(LibraryProject)\" Targets=\"$t\" Properties=\"TargetFramework=$tfm\" /></Target>"
    done
    echo '</Project>'
  } >"$file"
}

# build_library <library> <result-dir> <builds> [globalconfig]: restore, then <builds> --no-incremental builds
# with the analyzers; writes build-<n>.log, cost-<n>.tsv, sarif/ (the same each time) and status (rc, restore s,
# the seconds of each build, the load average, the compiler server setting) into <result-dir>.
# A machine-wide lock: two runs building one checkout at once delete each other's outputs and global.json moves
# (seen here: another worktree's run), and two builds at once on 2 cores measure nothing.
build_library() {
  local lib="$1" dir="$2" builds="$3" globalconfig="${4:-}" checkout="$checkouts/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  exec 9>"${TMPDIR:-/tmp}/closenotify-corpus.lock"
  if ! flock -n 9; then
    echo "  $lib: waiting for another corpus build on this machine to finish" >&2
    flock 9
  fi
  write_targets "$dir/closenotify.targets" "$out/analyzers" "$dir/sarif" "$globalconfig" "${remove_packages[@]}"
  write_traversal "$dir/build.proj" "$checkout"
  cd "$checkout" || return 1
  if [ -f global.json.closenotify-aside ] && [ ! -f global.json ]; then
    mv global.json.closenotify-aside global.json
  fi
  # (9>&-: no dotnet process, nor a compiler server it starts, keeps the lock.)
  if [ -f global.json ] && ! dotnet --version >/dev/null 2>&1 9>&-; then
    echo "  $lib: its global.json pins an SDK this machine lacks; moved aside for the build" >&2
    aside="$checkout/global.json"
    mv global.json global.json.closenotify-aside
  fi
  local start rc=0 restore_s build_s="" n restore_targets=()
  # The restore sees the generated targets only where they remove a package reference.
  [ ${#remove_packages[@]} -eq 0 ] || restore_targets=("-p:CustomAfterMicrosoftCommonTargets=$dir/closenotify.targets")
  start=$(date +%s)
  for p in "${projects[@]}"; do
    dotnet restore "$p" -nologo -v:q -nodeReuse:false "${common[@]}" "${extra[@]}" "${restore_targets[@]}" \
      >>"$dir/restore.log" 2>&1 9>&- || rc=$?
  done
  restore_s=$(( $(date +%s) - start ))
  local load
  load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  for n in $(seq 1 "$builds"); do
    [ "$rc" -eq 0 ] || break
    start=$(date +%s)
    mapfile -t measure < <(measure_args "$dir/closenotify.targets" "$dir/build-$n.log")
    dotnet build "$dir/build.proj" --no-incremental --no-restore -c "$configuration" "${measure[@]}" \
      "${common[@]}" "${extra[@]}" >"$dir/console.log" 2>&1 9>&- || rc=$?
    build_s="$build_s${build_s:+,}$(( $(date +%s) - start ))"
    [ -f "$dir/build-$n.log" ] && cost_tsv "$dir/build-$n.log" >"$dir/cost-$n.tsv"
  done
  put_back
  flock -u 9
  cd "$root" || return 1
  git -C "$checkout" rev-parse HEAD >"$dir/head" 2>/dev/null || echo unknown >"$dir/head"
  echo "$checkout" >"$dir/root"
  printf 'rc\t%s\nrestore_s\t%s\nbuild_s\t%s\nconfiguration\t%s\ntfm\t%s\nprojects\t%s\nload\t%s\nshared_compilation\t%s\n' \
    "$rc" "$restore_s" "$build_s" "$configuration" "$tfm" "${projects[*]}" "$load" "${UseSharedCompilation:-true}" >"$dir/status"
  if [ "$rc" -ne 0 ]; then
    echo "  $lib: FAILED (rc $rc); the errors:" >&2
    cat "$dir/restore.log" "$dir/console.log" 2>/dev/null | grep -E ': error |error MSB|error NU' | sort -u | head -20 >&2
  fi
  return "$rc"
}

failed=0
if [ "$score_only" -eq 0 ]; then
  echo "building CloseNotify's analyzers (Release)" >&2
  build_analyzers "$root" "$out/analyzers" || exit 1
  if [ "$ca2000" -eq 1 ]; then
    printf 'is_global = true\ndotnet_diagnostic.CA2000.severity = warning\n' >"$out/ca2000.globalconfig"
  fi
  for lib in "${libraries[@]}"; do
    library_config "$lib" || { failed=1; continue; }
    if [ ! -d "$checkouts/$lib" ]; then
      echo "no checkout $checkouts/$lib" >&2
      failed=1
      continue
    fi
    echo "$lib: building ${projects[*]} ($tfm, $configuration)" >&2
    build_library "$lib" "$out/$lib" "$repeat" || failed=1
    echo "  $lib: $(awk -F'\t' '{ printf "%s=%s ", $1, $2 }' "$out/$lib/status")" >&2
    if [ "$ca2000" -eq 1 ]; then
      # Once: CA2000's time dwarfs the noise.
      echo "  $lib: again with CA2000 on" >&2
      build_library "$lib" "$out/$lib/ca2000" 1 "$out/ca2000.globalconfig" || failed=1
    fi
  done
fi

dotnet run --file "$root/eng/corpus/Score.cs" -- --labels "$labels" --results "$out" "${libraries[@]}" || failed=1
exit "$failed"
