using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using CloseNotify.Cost;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

// The cost harness (docs/cost.md). Commands:
//   snapshot <csc-dir> <library-dir>        copy a build's captured Csc arguments and the files they read
//   run --capture <dir> --analyzers <dir>   compile alone, the floor and CloseNotify, interleaved: the cost table
//   ab  --capture <dir> --a <dir> --b <dir> two builds of CloseNotify interleaved: B / A per library and rule
//   table <raw.tsv> [<capture-dir>]         the run or ab table again from a raw file (e.g. of a run stopped early)
// Common options: --runs N (counted rounds, default 15), --seed S, --concurrent (the driver's concurrent analysis and
// a parallel compile, as csc; default one thread: steadier under load), --raw <file> (every run, tab-separated),
// then the libraries (default: every folder of the capture).
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: snapshot <csc-dir> <library-dir> | run --capture <dir> --analyzers <dir> [options] [library...] | ab --capture <dir> --a <dir> --b <dir> [options] [library...]");
    return 2;
}

if (args[0] == "snapshot")
{
    var count = CapturedCompilation.Snapshot(args[1], args[2], Console.Error);
    Console.Error.WriteLine($"  {count} compilations captured in {args[2]}");
    return count > 0 ? 0 : 1;
}

if (args[0] == "table" && args.Length >= 2)
{
    // The table again from a raw file (a run stopped early, or read differently): the counted rounds it holds.
    var rawRuns = File.ReadLines(args[1]).Skip(1).Select(l => l.Split('\t'))
        .Select(f => new Run(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2], f[3], f[4], double.Parse(f[5], CultureInfo.InvariantCulture), int.Parse(f[6], CultureInfo.InvariantCulture)))
        .ToList();
    var captureDir = args.Length >= 3 ? args[2] : null;
    var tables = rawRuns.GroupBy(r => r.Library).Select(g =>
    {
        // A round is counted when it is complete: every compilation ran every variant (the last may have been cut short).
        var expected = g.Select(r => (r.Compilation, r.Variant)).Distinct().Count();
        var complete = g.Where(r => r.Round > 0 && r.Rule is "all" or "compile").GroupBy(r => r.Round).Where(r => r.Count() == expected).Select(r => r.Key).ToHashSet();
        var counted = g.Where(r => complete.Contains(r.Round)).ToList();
        return new LibraryResult($"{g.Key} ({complete.Count} rounds)", g.Select(r => r.Compilation).Distinct().Count(), "n/a", "n/a", counted, 0,
            captureDir == null ? "n/a" : RealBuild(Path.Combine(captureDir, g.Key)));
    }).ToList();
    Console.WriteLine($"Recomputed from {Path.GetFullPath(args[1])} (complete counted rounds only; the load is in the run's log).");
    Console.WriteLine();
    if (rawRuns.Any(r => r.Variant == "compile"))
    {
        Report.Cost(Console.Out, tables);
    }
    else
    {
        Report.AB(Console.Out, tables);
    }

    return 0;
}

var options = new Dictionary<string, string>();
var libraries = new List<string>();
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--concurrent")
    {
        options["concurrent"] = "true";
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal))
    {
        options[args[i].Substring(2)] = args[++i];
    }
    else
    {
        libraries.Add(args[i]);
    }
}

var capture = options["capture"];
var rounds = int.Parse(options.GetValueOrDefault("runs", "15"), CultureInfo.InvariantCulture);
var seed = int.Parse(options.GetValueOrDefault("seed", "28"), CultureInfo.InvariantCulture);
var concurrent = options.ContainsKey("concurrent");
if (libraries.Count == 0)
{
    libraries.AddRange(Directory.GetDirectories(capture).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal));
}

var loading = new AnalyzerLoading();
var mode = args[0];
Variant[] variants;
string header;
if (mode == "run")
{
    var ours = loading.CloseNotify(options["analyzers"]);
    var floors = new Dictionary<Replay, ImmutableArray<DiagnosticAnalyzer>>();
    variants = new[]
    {
        new Variant("compile", null),
        new Variant("floor", r => floors.TryGetValue(r, out var f) ? f : floors[r] = ours.Select(a => (DiagnosticAnalyzer)FloorAnalyzer.Record(a, r.ForAnalysis(), r.AnalyzerOptions)).ToImmutableArray()),
        new Variant("closenotify", _ => ours),
    };
    header = $"analyzers {Describe(options["analyzers"])}";
}
else if (mode == "ab")
{
    var a = loading.CloseNotify(options["a"]);
    var b = loading.CloseNotify(options["b"]);
    variants = new[] { new Variant("A", _ => a), new Variant("B", _ => b) };
    header = $"A = {Describe(options["a"])}; B = {Describe(options["b"])}";
}
else
{
    Console.Error.WriteLine($"unknown command {mode}");
    return 2;
}

var rawPath = options.GetValueOrDefault("raw", Path.Combine(capture, "..", $"{mode}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.tsv"));
using var raw = new StreamWriter(rawPath);
raw.WriteLine("round\tlibrary\tcompilation\tvariant\trule\tms\twarnings");
var runner = new Runner(concurrent, raw, seed);
var results = new List<LibraryResult>();
var sdkCompiler = SdkCompilerVersion();
// cost.sh turns tiered compilation off unless --tiered: then every round runs the analyzers' optimized code.
var jit = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") == "0" ? "JIT optimized at once (tiered compilation off)" : "tiered JIT (the runtime's default)";
var ownCompiler = typeof(Compilation).Assembly.GetName().Version;
Console.Error.WriteLine($"cost harness: {mode}, {rounds} counted rounds (+1 warm-up), {(concurrent ? "concurrent" : "one thread")}, {jit}, Roslyn {ownCompiler} (SDK compiler {sdkCompiler}); {header}; raw runs in {Path.GetFullPath(rawPath)}");
var exitCode = 0;
foreach (var library in libraries)
{
    var loadBefore = Runner.Load();
    List<Replay> replays;
    try
    {
        replays = CapturedCompilation.Load(Path.Combine(capture, library)).Select(c => new Replay(c, loading, concurrent)).ToList();
        foreach (var replay in replays)
        {
            // Once untimed: the generators' output for the analyzer runs, and the proof that the replay compiles.
            replay.Compile();
            Console.Error.WriteLine($"  {library} {replay.Name}: {replay.SourceCount} sources, {replay.References.Length} references, {replay.GeneratorCount} generators ({replay.GeneratedCount} generated files)");
        }
    }
    catch (Exception e) when (e is InvalidOperationException or IOException)
    {
        Console.Error.WriteLine($"  {library}: cannot replay: {e.Message}");
        exitCode = 1;
        continue;
    }

    if (replays.Count == 0)
    {
        Console.Error.WriteLine($"  {library}: no captured compilation in {Path.Combine(capture, library)}");
        exitCode = 1;
        continue;
    }

    if (mode == "run")
    {
        foreach (var replay in replays)
        {
            var floor = variants[1].Analyzers!(replay);
            Console.Error.WriteLine($"  {library} {replay.Name}: the floor registers, per rule: "
                + string.Join(" | ", floor.Select(f => $"{AnalyzerLoading.RuleOf(f)}: {((FloorAnalyzer)f).Description}")));
        }
    }

    var exceptionsBefore = runner.AnalyzerExceptions;
    var runs = runner.RunLibrary(library, replays, variants, rounds, Console.Error);
    if (mode == "ab")
    {
        exitCode |= SameDiagnostics(library, replays, runner) ? 0 : 1;
    }

    results.Add(new LibraryResult(library, replays.Count, loadBefore, Runner.Load(), runs, runner.AnalyzerExceptions - exceptionsBefore, RealBuild(Path.Combine(capture, library))));
}

Console.WriteLine($"In-process replay (eng/cost), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; {rounds} rounds, each variant once per compilation per round, "
    + $"in a random order; {(concurrent ? "concurrent analysis and compile" : "one thread")}; {jit}; Roslyn {ownCompiler} (SDK compiler {sdkCompiler}); {header}.");
Console.WriteLine("Times: median (interquartile range) over the rounds. Ratios: median of the per-round ratios [95 % percentile-bootstrap interval of that median, 2,000 resamples].");
Console.WriteLine();
if (mode == "run")
{
    Report.Cost(Console.Out, results);
}
else
{
    Report.AB(Console.Out, results);
}

return results.Any(r => r.Exceptions > 0) ? 1 : exitCode;

// A and B must report the same diagnostics (rule, file, line) on every compilation: an optimisation changes the time only.
static bool SameDiagnostics(string library, IEnumerable<Replay> replays, Runner runner)
{
    var same = true;
    foreach (var replay in replays)
    {
        var a = runner.WarmUpDiagnostics[(replay.Name, "A")];
        var b = runner.WarmUpDiagnostics[(replay.Name, "B")];
        var onlyA = a.Except(b).ToList();
        var onlyB = b.Except(a).ToList();
        if (onlyA.Count == 0 && onlyB.Count == 0 && a.Count == b.Count)
        {
            Console.Error.WriteLine($"  {library} {replay.Name}: A and B report the same {a.Count} diagnostics");
            continue;
        }

        same = false;
        Console.Error.WriteLine($"  {library} {replay.Name}: A and B DIFFER ({a.Count} → {b.Count}): only A: {string.Join("; ", onlyA)}; only B: {string.Join("; ", onlyB)}");
    }

    return same;
}

static string Describe(string folder)
{
    var commit = Path.Combine(folder, "commit");
    return $"{Path.GetFullPath(folder)}{(File.Exists(commit) ? " (" + File.ReadAllText(commit).Trim()[..Math.Min(10, File.ReadAllText(commit).Trim().Length)] + ")" : string.Empty)}";
}

// The compiler of the SDK on the PATH, for the header: the replay should bind as the build did.
static string SdkCompilerVersion()
{
    var dotnet = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
    var sdk = Directory.Exists(Path.Combine(dotnet, "sdk")) ? Directory.GetDirectories(Path.Combine(dotnet, "sdk")).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() : null;
    var path = sdk == null ? null : Path.Combine(sdk, "Roslyn", "bincore", "Microsoft.CodeAnalysis.dll");
    return path != null && File.Exists(path) ? System.Reflection.AssemblyName.GetAssemblyName(path).Version?.ToString() ?? "?" : "not found";
}

// The real build the capture came from (dotnet build -p:ReportAnalyzer=true; eng/corpus/cost.awk's rows).
static string RealBuild(string libraryDirectory)
{
    var path = Path.Combine(libraryDirectory, "real.tsv");
    if (!File.Exists(path))
    {
        return "n/a";
    }

    double csc = 0, ours = 0;
    foreach (var fields in File.ReadAllLines(path).Select(l => l.Split('\t')))
    {
        if (fields[0] == "csc")
        {
            csc += double.Parse(fields[3], CultureInfo.InvariantCulture);
        }
        else if (fields[0] == "asm" && fields[2] == "CloseNotify.Analyzers")
        {
            ours += double.Parse(fields[3], CultureInfo.InvariantCulture);
        }
    }

    var commit = Path.Combine(libraryDirectory, "real.commit");
    var at = File.Exists(commit) ? $" (analyzers {File.ReadAllText(commit).Trim()[..10]})" : string.Empty;
    return csc > 0 ? $"{Report.Ms(ours)} / {Report.Ms(csc)} = {Report.Percent(ours / csc)}{at}" : "n/a";
}
