using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Cost
{
    /// <summary>One run of one variant on one compilation: the compile's time, or each analyzer's time from the driver's telemetry.</summary>
    internal sealed record Run(int Round, string Library, string Compilation, string Variant, string Rule, double Ms, int Warnings);

    /// <summary>What a round runs on each compilation: the compile alone, or the compilation with a set of analyzers.</summary>
    internal sealed record Variant(string Name, Func<Replay, ImmutableArray<DiagnosticAnalyzer>>? Analyzers);

    /// <summary>
    /// Runs the variants interleaved: round after round, each compilation of the library once per variant, in an order
    /// drawn afresh each round (a fixed seed), with a full garbage collection before every run so that no run pays for
    /// the previous one's garbage. Round 0 warms up the JIT and the metadata caches and is not counted.
    /// </summary>
    internal sealed class Runner
    {
        private readonly bool concurrent;
        private readonly TextWriter raw;
        private readonly Random random;

        public Runner(bool concurrent, TextWriter raw, int seed)
        {
            this.concurrent = concurrent;
            this.raw = raw;
            random = new Random(seed);
        }

        public int AnalyzerExceptions { get; private set; }

        /// <summary>The diagnostics of the warm-up round, per compilation and variant ("TLS004 file:line"), sorted: what
        /// the ab mode compares (an optimisation must report exactly what A reports).</summary>
        public Dictionary<(string Compilation, string Variant), List<string>> WarmUpDiagnostics { get; } = new Dictionary<(string, string), List<string>>();

        public List<Run> RunLibrary(string library, IReadOnlyList<Replay> replays, IReadOnlyList<Variant> variants, int rounds, TextWriter progress)
        {
            var runs = new List<Run>();
            var watch = Stopwatch.StartNew();
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var replay in replays)
                {
                    foreach (var variant in variants.OrderBy(_ => random.Next()).ToList())
                    {
                        foreach (var run in RunOnce(round, library, replay, variant))
                        {
                            raw.WriteLine($"{run.Round}\t{run.Library}\t{run.Compilation}\t{run.Variant}\t{run.Rule}\t{run.Ms:F3}\t{run.Warnings}");
                            if (round > 0)
                            {
                                runs.Add(run);
                            }
                        }
                    }
                }

                raw.Flush();
                if (round == 0)
                {
                    // The warm-up round JIT-compiles, so this overestimates a little.
                    progress.WriteLine($"  {library}: warm-up round {watch.Elapsed.TotalSeconds:F0} s; the {rounds} counted rounds will take about {watch.Elapsed.TotalMinutes * rounds:F0} min (load {Load()})");
                    watch.Restart();
                }
                else if (round % 5 == 0 || round == rounds)
                {
                    progress.WriteLine($"  {library}: round {round} of {rounds} ({watch.Elapsed.TotalMinutes:F1} min, load {Load()})");
                }
            }

            return runs;
        }

        /// <summary>The load average over 1, 5 and 15 minutes (Linux), for every table.</summary>
        public static string Load() =>
            File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

        private IEnumerable<Run> RunOnce(int round, string library, Replay replay, Variant variant)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            if (variant.Analyzers == null)
            {
                yield return new Run(round, library, replay.Name, variant.Name, "compile", replay.Compile().TotalMilliseconds, 0);
                yield break;
            }

            var analyzers = variant.Analyzers(replay);
            var exceptions = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                replay.AnalyzerOptions,
                (e, a, _) => { lock (exceptions) { exceptions.Add($"{a.GetType().Name}: {e.GetType().Name}: {e.Message}"); } },
                concurrentAnalysis: concurrent,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false);
            var withAnalyzers = replay.ForAnalysis().WithAnalyzers(analyzers, options);
            var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (exceptions.Count > 0)
            {
                AnalyzerExceptions += exceptions.Count;
                Console.Error.WriteLine($"  {library} {replay.Name} {variant.Name}: {exceptions.Count} analyzer exceptions (AD0001), first: {exceptions[0]}");
            }

            if (round == 0)
            {
                WarmUpDiagnostics[(replay.Name, variant.Name)] = diagnostics
                    .Select(d => $"{d.Id} {d.Location.GetLineSpan().Path}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}")
                    .OrderBy(d => d, StringComparer.Ordinal).ToList();
            }

            double total = 0;
            var warnings = 0;
            foreach (var analyzer in analyzers)
            {
                var rule = AnalyzerLoading.RuleOf(analyzer);
                var ms = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
                var count = diagnostics.Count(d => d.Id == rule);
                total += ms;
                warnings += count;
                yield return new Run(round, library, replay.Name, variant.Name, rule, ms, count);
            }

            yield return new Run(round, library, replay.Name, variant.Name, "all", total, warnings);
        }
    }
}
