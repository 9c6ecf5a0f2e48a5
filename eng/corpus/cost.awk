# Reads a detailed MSBuild file log of a build made with -p:ReportAnalyzer=true and performancesummary
# (one project compiling at a time, -m:1) and prints tab-separated rows, times in milliseconds:
#   csc    -        Csc                        <ms> <calls>   every Csc task of the build, summed by MSBuild
#   total  <proj>   analyzers                  <ms>           the compiler's "Total analyzer execution time"
#   asm    <proj>   <assembly>                 <ms>           one analyzer assembly's time in that compilation
#   type   <proj>   <assembly>|<type (IDs)>    <ms>           one analyzer type's time
# <proj> is the project file of the CoreCompile target the Csc task ran in. Analyzer times are summed over the
# compiler's threads (they can exceed the wall time); the compiler prints them in seconds with 3 decimals, and
# "<0.001" is read as 0.
function ms(s) { return s ~ /^</ ? 0 : s * 1000 }
/^Target "CoreCompile" in file .* from project "/ {
  proj = $0
  sub(/^.* from project "/, "", proj)
  sub(/".*$/, "", proj)
}
/^ *Total analyzer execution time: / {
  t = $0
  sub(/^ *Total analyzer execution time: /, "", t)
  sub(/ seconds.*$/, "", t)
  printf "total\t%s\tanalyzers\t%.0f\n", proj, ms(t)
}
/^ *Time \(s\) +% +Analyzer *$/ { mode = "analyzer"; next }
/^ *Time \(s\) +% +Generator *$/ { mode = ""; next }
/^Done executing task "Csc"/ { mode = "" }
mode == "analyzer" && /^ +<?[0-9.]+ +<?[0-9]+ +[^ ]/ {
  line = $0
  sub(/^ +/, "", line)
  time = line
  sub(/ .*$/, "", time)
  sub(/^[^ ]+ +[^ ]+ +/, "", line)
  if (line ~ /, Version=/) {
    assembly = line
    sub(/, Version=.*$/, "", assembly)
    printf "asm\t%s\t%s\t%.0f\n", proj, assembly, ms(time)
  } else {
    printf "type\t%s\t%s|%s\t%.0f\n", proj, assembly, line, ms(time)
  }
}
/^Task Performance Summary:/ { summary = 1 }
summary && /^ +[0-9]+ ms +Csc +[0-9]+ calls/ {
  printf "csc\t-\tCsc\t%s\t%s\n", $1, $4
}
