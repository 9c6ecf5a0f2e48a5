#!/usr/bin/env bash
# The fixes on the development corpus (issues 14 and 26): for each library, a scratch copy (the checkouts stay read-only),
# CloseNotify's analyzers and fixes added to its project(s), `dotnet format` applying the TLS fixes, with the
# runtime referenced and without it, then a rebuild. Prints one tab-separated row per library and mode: files and
# lines changed, what the fixes wrote, TLS warnings before and after, and whether the fixed library still builds, for
# every TFM it ships (errors per TFM, before and after the fixes).
#
#   bash eng/corpus-fix.sh [--out DIR] [--mode runtime|bcl] [--no-lock] <checkouts-dir> [library...]
#
# --out  where the copies, logs and diffs go (default /tmp/closenotify-corpus-fix); nothing is written into the
#        checkouts or into this repository. The diffs (fixed.diff) stay there: they are the libraries' code.
# The builds take the machine-wide corpus lock (eng/corpus/common.sh), like eng/corpus.sh, one library and mode at a time.
# --mode  one mode only (runtime: CloseNotify's runtime referenced; bcl: without it); both by default.
# --no-lock  build without it: the copies are this run's own, so only other runs' timings suffer (the eleven libraries
#            take hours on a loaded machine, interleaved with a timing run even longer).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/eng/corpus/common.sh"

out=/tmp/closenotify-corpus-fix
lock=1
modes=(runtime bcl)
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(realpath -m "$2")"; shift ;;
    --no-lock) lock=0 ;;
    --mode)
      case "$2" in runtime|bcl) modes=("$2") ;; *) echo "unknown mode '$2' (runtime or bcl)" >&2; exit 2 ;; esac
      shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
if [ $# -lt 1 ]; then
  sed -n '2,15p' "$0" >&2
  exit 2
fi
checkouts="$(realpath "$1")"
shift
libraries=("$@")
[ ${#libraries[@]} -gt 0 ] || libraries=("${corpus_libraries[@]}")

# Each library's project(s) (shared/CORPUS.md). dotnet format loads every TFM the library ships, as a user's run does:
# the fixer judges a BCL close over every framework that compiles its line (ShutdownAvailability), and a run forced to
# one TFM (as this script did while older reference packs were missing) wrote BCL closes that do not compile in the
# library's other targets. dotnet format takes no msbuild properties, so what follows goes into the generated targets.
#   drop: TFMs that cannot restore from the package mirror, taken out of every project of the build (a project-only
#         change left SuperSocket's references on another TFM). Only MailKit's net47 (and its MimeKit's): the mirror
#         has no Microsoft.NETFramework.ReferenceAssemblies.net47. The net7.0 and net9.0 reference packs (FluentFTP,
#         SuperSocket) are served now, and so are the .NET Framework ones from net461 to net481 but net47.
#   net471 (MySqlConnector) restores with the 1.0.2 reference assemblies, the only net471 pack on the mirror (the SDK
#   asks for 1.0.3): the targets pin that version for that TFM only.
library_config() {
  drop=()
  remove_packages=()
  case "$1" in
    npgsql) projects=(src/Npgsql/Npgsql.csproj) ;;
    nats.net) projects=(src/NATS.Client.Core/NATS.Client.Core.csproj) ;;
    FluentFTP) projects=(FluentFTP/FluentFTP.csproj) ;;
    MySqlConnector) projects=(src/MySqlConnector/MySqlConnector.csproj) ;;
    SuperSocket) projects=(src/SuperSocket.Server/SuperSocket.Server.csproj src/SuperSocket.Client/SuperSocket.Client.csproj) ;;
    MailKit) projects=(MailKit/MailKit.csproj); drop=(net47) ;;
    rabbitmq-dotnet-client) projects=(projects/RabbitMQ.Client/RabbitMQ.Client.csproj) ;;
    StackExchange.Redis) projects=(src/StackExchange.Redis/StackExchange.Redis.csproj) ;;
    DotNetty) projects=(src/DotNetty.Handlers/DotNetty.Handlers.csproj) ;;
    MQTTnet) projects=(Source/MQTTnet.Server/MQTTnet.Server.csproj) ;;
    # The native OpenSSL binaries package is not on the mirror and not needed to compile (as in eng/corpus.sh).
    DotNetCampus.HttpClientOverOpenSsl)
      projects=(src/DotNetCampus.HttpClientOverOpenSsl/DotNetCampus.HttpClientOverOpenSsl.csproj)
      remove_packages=(openssl-native) ;;
    *) echo "unknown library '$1' (known: ${corpus_libraries[*]})" >&2; return 1 ;;
  esac
}

common=(-p:TreatWarningsAsErrors=false -p:WarningsAsErrors= -p:NuGetAudit=false -p:EnablePackageValidation=false
  -p:GeneratePackageOnBuild=false)

# write_build_targets <clone> <runtime-dir or ''>: closenotify.corpus.targets at the clone's root adds our analyzers
# (and the runtime: the build of it a package reference would pick for each TFM, from <runtime-dir>/<its TFM>/; a
# net6.0 library given the net8.0 build gets CS1705 and no `using CloseNotify;` from the fixes), the one TFM, analyzers
# on during the build, the package removals. MSBuild imports only the
# nearest Directory.Build.targets above a project, so every one the library has (rabbitmq-dotnet-client's is in
# projects/) is moved aside to Directory.Build.library.targets and replaced by one that imports it and ours, and the
# root gets one if it has none. Ours is imported once per project (a guard property): a library's targets that
# import the parent's would otherwise add the analyzers twice.
write_build_targets() {
  local clone="$1" runtime="$2" package
  local reference=""
  [ -n "$runtime" ] && reference="<Reference Include=\"$runtime/\$(CloseNotifyRuntimeTfm)/CloseNotify.dll\" />"
  # Each TFM that cannot restore here, taken out of the project's own list (whitespace and all). Unescaped: MSBuild
  # escapes a property function's result, and the list would then be one TFM named "net462;netstandard2.0;...".
  local tfms="" t
  for t in "${drop[@]}"; do
    tfms="$tfms<TargetFrameworks Condition=\"'\$(TargetFrameworks)' != ''\">\$([MSBuild]::Unescape(\$([System.Text.RegularExpressions.Regex]::Replace('\$(TargetFrameworks)', '(^|;)\\s*${t//./\\.}\\s*(?=;|\$)', '').Trim(';'))))</TargetFrameworks>"
  done
  local removals=""
  for package in "${remove_packages[@]}"; do removals="$removals<PackageReference Remove=\"$package\" />"; done
  cat >"$clone/closenotify.corpus.targets" <<EOF
<Project>
  <PropertyGroup>
    <CloseNotifyCorpusImported>true</CloseNotifyCorpusImported>
    $tfms
    <MicrosoftNETFrameworkReferenceAssembliesLatestPackageVersion Condition="'\$(TargetFramework)' == 'net471'">1.0.2</MicrosoftNETFrameworkReferenceAssembliesLatestPackageVersion>
    <CloseNotifyRuntimeTfm Condition="'\$(TargetFramework)' != '' and \$([MSBuild]::IsTargetFrameworkCompatible('\$(TargetFramework)', 'net8.0'))">net8.0</CloseNotifyRuntimeTfm>
    <CloseNotifyRuntimeTfm Condition="'\$(CloseNotifyRuntimeTfm)' == '' and '\$(TargetFramework)' != '' and \$([MSBuild]::IsTargetFrameworkCompatible('\$(TargetFramework)', 'netstandard2.1'))">netstandard2.1</CloseNotifyRuntimeTfm>
    <CloseNotifyRuntimeTfm Condition="'\$(CloseNotifyRuntimeTfm)' == '' and '\$(TargetFramework)' != '' and \$([MSBuild]::IsTargetFrameworkCompatible('\$(TargetFramework)', 'net472'))">net472</CloseNotifyRuntimeTfm>
    <CloseNotifyRuntimeTfm Condition="'\$(CloseNotifyRuntimeTfm)' == '' and '\$(TargetFramework)' != '' and \$([MSBuild]::IsTargetFrameworkCompatible('\$(TargetFramework)', 'net462'))">net462</CloseNotifyRuntimeTfm>
    <CloseNotifyRuntimeTfm Condition="'\$(CloseNotifyRuntimeTfm)' == ''">netstandard2.0</CloseNotifyRuntimeTfm>
    <RunAnalyzersDuringBuild>true</RunAnalyzersDuringBuild>
    <RunAnalyzers>true</RunAnalyzers>
  </PropertyGroup>
  <ItemGroup>
    <Analyzer Include="$out/analyzers/CloseNotify.Analyzers.dll" />
    <Analyzer Include="$out/analyzers/CloseNotify.CodeFixes.dll" />
    $reference
    $removals
  </ItemGroup>
</Project>
EOF
  local found targets
  mapfile -t found < <(find "$clone" -name Directory.Build.targets -not -path '*/.git/*')
  [ -f "$clone/Directory.Build.targets" ] || found+=("$clone/Directory.Build.targets")
  for targets in "${found[@]}"; do
    [ -f "$targets" ] && mv "$targets" "${targets%.targets}.library.targets"
    cat >"$targets" <<EOF
<Project>
  <Import Project="Directory.Build.library.targets" Condition="Exists('\$(MSBuildThisFileDirectory)Directory.Build.library.targets')" />
  <Import Project="$clone/closenotify.corpus.targets" Condition="'\$(CloseNotifyCorpusImported)' != 'true'" />
</Project>
EOF
  done
}

# copy_checkout <checkout> <clone>: the checkout's working tree (its build outputs and git data left out) in a new
# git repository with one commit, the baseline of the diff. Not `git clone`: some snapshots lack blobs of files their
# HEAD names (rabbitmq-dotnet-client's and StackExchange.Redis's test binaries), and MailKit's MimeKit is a submodule
# checked out beside it, which a clone leaves empty.
copy_checkout() {
  local checkout="$1" clone="$2"
  mkdir -p "$clone"
  tar -C "$checkout" -cf - --exclude=.git --exclude=obj --exclude='bin/Release' --exclude='bin/Debug' \
    --exclude=./artifacts --exclude='global.json.closenotify-aside' . | tar -C "$clone" -xf - || return 1
  git -C "$clone" init -q && git -C "$clone" add -A >/dev/null 2>&1 &&
    git -C "$clone" -c user.name=corpus -c user.email=corpus@localhost commit -q -m baseline
}

# tls_warnings <build-log>: distinct TLS warnings (file, position, id) of a build.
tls_warnings() {
  grep -oE '[^ ]+\.cs\([0-9]+,[0-9]+\): warning TLS00[0-9]' "$1" | sort -u | wc -l
}

errors() {
  grep -cE ': error [A-Z]+[0-9]+' "$1"
}

# errors_by_tfm <build-log> <tfm...>: distinct errors per target framework, "net462:0 netstandard2.0:2 ..." (a
# multi-targeted project's errors end with [project.csproj::TargetFramework=X]; a single-TFM project's with none).
errors_by_tfm() {
  local log="$1" t n summary=""
  shift
  for t in "$@"; do
    if [ $# -eq 1 ]; then
      n=$(grep -E ': error [A-Z]+[0-9]+' "$log" | sort -u | wc -l)
    else
      n=$(grep -E ": error [A-Z]+[0-9]+.*::TargetFramework=$t\]" "$log" | sort -u | wc -l)
    fi
    summary="$summary${summary:+ }$t:$n"
  done
  echo "$summary"
}

# fix_library <library> <mode: runtime|bcl>
fix_library() {
  local lib="$1" mode="$2" dir="$out/$1/$2" clone="$out/$1/$2/src"
  rm -rf "$dir"
  mkdir -p "$dir"
  copy_checkout "$checkouts/$lib" "$clone" || return 1
  local runtime=""
  [ "$mode" = runtime ] && runtime="$out/runtime"
  write_build_targets "$clone" "$runtime"
  # A global.json pinning an SDK this machine lacks (SuperSocket) is dropped: this clone is ours.
  if [ -f "$clone/global.json" ] && ! (cd "$clone" && dotnet --version >/dev/null 2>&1); then
    rm "$clone/global.json"
  fi
  cd "$clone" || return 1
  local p before after build_rc=0 format_rc=0 shipped=()
  for p in "${projects[@]}"; do
    dotnet restore "$p" -nologo -v:q "${common[@]}" >>"$dir/restore.log" 2>&1 9>&-
  done
  # The TFMs the library ships (less those dropped above): the builds before and after take them all, as dotnet format
  # loads them all, and the errors are counted per TFM.
  mapfile -t shipped < <(for p in "${projects[@]}"; do
    dotnet msbuild "$p" -nologo -getProperty:TargetFrameworks -getProperty:TargetFramework 9>&- |
      grep -oE '"TargetFrameworks?": *"[^"]+"' | cut -d'"' -f4 | tr ';' '\n'; done | tr -d ' ' | grep . | awk '!seen[$0]++')
  for p in "${projects[@]}"; do
    dotnet build "$p" --no-restore -nologo -v:q -nodeReuse:false "${common[@]}" >>"$dir/before.log" 2>&1 9>&-
  done
  before=$(tls_warnings "$dir/before.log")
  # dotnet format fixes the project it is given only: format every project a TLS warning was reported in (a
  # referenced project of the library's, SuperSocket.Connection for instance), and the library's own.
  local formatted
  mapfile -t formatted < <({ printf '%s\n' "${projects[@]/#/$clone/}"; grep -E 'warning TLS00[0-9]' "$dir/before.log" | grep -oE '\[[^]]+\.csproj' | tr -d '['; } | sort -u)
  for p in "${formatted[@]}"; do
    dotnet format analyzers "$p" --no-restore --diagnostics TLS001 TLS002 TLS003 TLS004 TLS005 TLS006 --severity warn -v:q \
      >>"$dir/format.log" 2>&1 9>&- || format_rc=$?
  done
  local ours=(':(exclude,glob)**/Directory.Build.targets' ':(exclude,glob)**/Directory.Build.library.targets'
    ':(exclude)closenotify.corpus.targets' ':(exclude)global.json')
  git diff -- . "${ours[@]}" >"$dir/fixed.diff"
  local files added removed hunks
  files=$(git diff --name-only -- . "${ours[@]}" | wc -l)
  added=$(grep -c '^+[^+]' "$dir/fixed.diff")
  hunks=$(grep -c '^@@' "$dir/fixed.diff")
  removed=$(grep -c '^-[^-]' "$dir/fixed.diff")
  local notify graceful abort shutdown filter narrow rethrow loop
  # A space before the parenthesis is allowed where the file's style has one (MailKit writes `Dispose ()`).
  notify=$(grep -c '^+.*TlsClose\.Notify \?(' "$dir/fixed.diff")
  graceful=$(grep -c '^+.*TlsClose\.GracefulAsync \?(' "$dir/fixed.diff")
  shutdown=$(grep -c '^+.*\.ShutdownAsync \?()' "$dir/fixed.diff")
  filter=$(grep -c '^+.*TlsErrors\.IsBenign \?(' "$dir/fixed.diff")
  # A catch narrowed to a benign type, or filtered on the benign types (the default without the runtime).
  narrow=$(grep -cE '^\+\s*catch ?\((IOException|ObjectDisposedException)\)|^\+.*when ?\([A-Za-z0-9_]+ is IOException' "$dir/fixed.diff")
  rethrow=$(grep -cE '^\+\s*throw;' "$dir/fixed.diff")
  loop=$(grep -c '^+.*Environment.TickCount - ' "$dir/fixed.diff")
  for p in "${projects[@]}"; do
    dotnet build "$p" --no-restore --no-incremental -nologo -v:q -nodeReuse:false "${common[@]}" >>"$dir/after.log" 2>&1 9>&- || build_rc=$?
  done
  after=$(tls_warnings "$dir/after.log")
  cd "$root" || return 1
  printf '%s\t%s\t%s\t%s\t%s\t+%s/-%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$lib" "$mode" "$format_rc" "$files" "$hunks" "$added" "$removed" \
    "$notify" "$graceful" "$shutdown" "$filter" "$narrow" "$rethrow" "$loop" "$before" "$after" "$build_rc" "$(errors "$dir/after.log")" \
    "$(errors_by_tfm "$dir/before.log" "${shipped[@]}")" "$(errors_by_tfm "$dir/after.log" "${shipped[@]}")"
}

mkdir -p "$out"
echo "building CloseNotify's analyzers and runtime (Release)" >&2
build_analyzers "$root" "$out/analyzers" || exit 1
dotnet build "$root/src/Runtime/CloseNotify.csproj" -c Release -nologo -v:q -nodeReuse:false >"$out/runtime.log" 2>&1 || { cat "$out/runtime.log" >&2; exit 1; }
for framework in netstandard2.0 net462 net472 netstandard2.1 net8.0; do
  mkdir -p "$out/runtime/$framework" && cp "$root/src/Runtime/bin/Release/$framework/CloseNotify.dll" "$out/runtime/$framework/"
done

# The lock is taken for one library and mode at a time, so that other runs queue between them, not behind all eleven.
exec 9>"${TMPDIR:-/tmp}/closenotify-corpus.lock"
printf 'library\tmode\tformat_rc\tfiles\thunks\tlines\tNotify\tGracefulAsync\tShutdownAsync\tIsBenign\tbenign_types\trethrow\tSSL_loop\tTLS_before\tTLS_after\tbuild_rc\terrors\terrors_before_by_tfm\terrors_after_by_tfm\n'
for lib in "${libraries[@]}"; do
  library_config "$lib" || continue
  for mode in "${modes[@]}"; do
    if [ "$lock" -eq 1 ] && ! flock -n 9; then
      echo "$lib ($mode): waiting for another corpus build on this machine to finish" >&2
      flock 9
    fi
    echo "$lib ($mode): fixing ${projects[*]} (every TFM it ships${drop[*]:+ but ${drop[*]}})" >&2
    start=$(date +%s)
    fix_library "$lib" "$mode"
    flock -u 9
    echo "  $lib ($mode): $(( $(date +%s) - start )) s" >&2
  done
done
