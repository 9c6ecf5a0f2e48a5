using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using CloseNotify.Analyzers;
using CloseNotify.Bench;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// Analyzer cost, measured: our analyzers and NetAnalyzers' CA2000/CA2213 on the same generated
// compilation in the same run (each group in its own analyzer driver), per-analyzer execution time from the
// analyzer driver's telemetry, against the time the compiler itself takes to bind and check the same code.
// With "--write <dir> <files> [tls-every]" it only writes the code base as a project on disk (one file in
// tls-every talks TLS, default 20, 0 for none), for a real build with -p:ReportAnalyzer=true (eng/bench-build.sh).
if (args.Length > 0 && args[0] == "--write")
{
    if (args.Length < 3)
    {
        Console.Error.WriteLine("usage: --write <dir> <files> [tls-every]");
        return 2;
    }

    CodeBaseGenerator.WriteProject(args[1], int.Parse(args[2]), args.Length > 3 ? int.Parse(args[3]) : 20);
    return 0;
}

var baseFiles = args.Length > 0 ? int.Parse(args[0]) : 250;
// Optional second argument: the scales to run, e.g. "1,4" (default 1,4,16).
var scales = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : new[] { 1, 4, 16 };
// Five runs, the fastest of each: garbage collections pause every thread, and a pause that lands in one of our
// (short) callbacks is charged to it whole; on the 16x code base they take a third of the driver's time.
const int Repeats = 5;
var references = LoadReferences();
var ours = ImmutableArray.Create<DiagnosticAnalyzer>(
    new DisposedWithoutCloseNotifyAnalyzer(), new SingleShotShutdownAnalyzer(), new SwallowedCloseErrorAnalyzer(),
    new TransportClosedUnderTlsAnalyzer(), new WriteAfterShutdownAnalyzer(), new UnboundedDrainAnalyzer());
var peers = LoadNetAnalyzers("CA2000", "CA2213");

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; Roslyn {typeof(Compilation).Assembly.GetName().Version}");
Console.WriteLine($"peers: {string.Join(", ", peers.Select(p => p.GetType().Name))}");
// Warm-up on the 1x code base: JIT of the compiler's and the analyzers' paths, not counted.
Measure(CodeBaseGenerator.Generate(baseFiles, withTls: true), references, ours, peers);

Console.WriteLine();
Console.WriteLine("| code base | files | lines | compile ms | TLS001 ms | TLS002 ms | TLS003 ms | TLS004 ms | TLS005 ms | TLS006 ms | ours ms | CA2000 ms | CA2213 ms | ours / compile | ours / CA2000 |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var scale in scales)
{
    Report($"TLS-using {scale}x", CodeBaseGenerator.Generate(baseFiles * scale, withTls: true));
}

Report("no TLS 1x", CodeBaseGenerator.Generate(baseFiles, withTls: false));
Report("no TLS 4x", CodeBaseGenerator.Generate(baseFiles * 4, withTls: false));
return 0;

void Report(string name, List<string> sources)
{
    // The fastest of the runs: a GC pause or a busy core inflates one run, never deflates it.
    var runs = Enumerable.Range(0, Repeats).Select(_ => Measure(sources, references, ours, peers)).ToList();
    var compile = runs.Min(r => r.Compile);
    var times = runs[0].Times.Keys.ToDictionary(a => a, a => runs.Min(r => r.Times[a]));
    var diagnostics = runs[0].Diagnostics;
    double Ms(DiagnosticAnalyzer a) => times[a].TotalMilliseconds;
    var oursMs = ours.Sum(Ms);
    var ca2000 = peers.Where(p => p.SupportedDiagnostics.Any(d => d.Id == "CA2000")).Sum(Ms);
    var ca2213 = peers.Where(p => p.SupportedDiagnostics.Any(d => d.Id == "CA2213")).Sum(Ms);
    var lines = sources.Sum(s => s.Count(c => c == '\n'));
    Console.WriteLine(
        $"| {name} | {sources.Count} | {lines} | {compile.TotalMilliseconds:F0} | {Ms(ours[0]):F1} | {Ms(ours[1]):F1} | {Ms(ours[2]):F1} | {Ms(ours[3]):F1} | {Ms(ours[4]):F1} | {Ms(ours[5]):F1} | {oursMs:F1} | {ca2000:F0} | {ca2213:F0} | " +
        $"{oursMs / compile.TotalMilliseconds:P2} | {(ca2000 > 0 ? (oursMs / ca2000).ToString("P2") : "n/a")} |");
    Console.Error.WriteLine($"  {name}: {diagnostics}; GC pauses took {runs.Min(r => r.OursGcShare):P0}-{runs.Max(r => r.OursGcShare):P0} of our driver's wall time");
}

static (TimeSpan Compile, Dictionary<DiagnosticAnalyzer, TimeSpan> Times, string Diagnostics, double OursGcShare) Measure(
    List<string> sources, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> ours, ImmutableArray<DiagnosticAnalyzer> peers)
{
    var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CA2000"] = ReportDiagnostic.Warn, ["CA2213"] = ReportDiagnostic.Warn });
    var parse = new CSharpParseOptions(LanguageVersion.Latest);
    CSharpCompilation Create() => CSharpCompilation.Create(
        "Generated", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parse, $"File{i}.cs")), references, options);

    // The compiler's own work: bind and check every method body (what a build does before emit).
    var stopwatch = Stopwatch.StartNew();
    var errors = Create().GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
    var compile = stopwatch.Elapsed;
    if (errors > 0)
    {
        throw new InvalidOperationException($"generated code has {errors} errors");
    }

    // Ours and the peers each in their own analyzer driver, over separate copies of the same compilation: in one
    // driver, the garbage collections CA2000's allocations cause are charged to whichever callback they interrupt.
    var times = new Dictionary<DiagnosticAnalyzer, TimeSpan>();
    var found = new List<Diagnostic>();
    var oursGcShare = 0.0;
    foreach (var analyzers in new[] { ours, peers })
    {
        var withAnalyzers = Create().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        var pausedBefore = GC.GetTotalPauseDuration();
        var wall = Stopwatch.StartNew();
        found.AddRange(withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult());
        if (analyzers == ours)
        {
            oursGcShare = (GC.GetTotalPauseDuration() - pausedBefore) / wall.Elapsed;
        }

        foreach (var analyzer in analyzers)
        {
            times[analyzer] = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime;
        }
    }

    var summary = string.Join(", ", found.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"));
    return (compile, times, summary, oursGcShare);
}

static ImmutableArray<MetadataReference> LoadReferences()
{
    var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    var refDir = Path.Combine(packages, "microsoft.netcore.app.ref", "8.0.0", "ref", "net8.0");
    return Directory.GetFiles(refDir, "*.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .Append(MetadataReference.CreateFromFile(typeof(CloseNotify.TlsClose).Assembly.Location))
        .ToImmutableArray();
}

static ImmutableArray<DiagnosticAnalyzer> LoadNetAnalyzers(params string[] ids)
{
    var root = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NetAnalyzersPath").Value!;
    var folder = Path.Combine(root, "analyzers", "dotnet", "cs");
    var loader = new FolderLoader();
    return Directory.GetFiles(folder, "*.dll")
        .SelectMany(path => new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp))
        .Where(a => a.SupportedDiagnostics.Any(d => ids.Contains(d.Id)))
        .ToImmutableArray();
}

/// <summary>Loads analyzer assemblies into the default context (their Roslyn references resolve to ours).</summary>
internal sealed class FolderLoader : IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
}
