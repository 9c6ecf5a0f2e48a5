using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace CloseNotify.Cost
{
    /// <summary>The markdown tables: every figure a median over the counted rounds, with its spread or its interval.</summary>
    internal static class Report
    {
        public static readonly string[] Rules = { "TLS001", "TLS002", "TLS003", "TLS004", "TLS005", "TLS006" };

        /// <summary>Per round, the library's total (all its compilations) of one variant and rule.</summary>
        public static List<double> PerRound(IEnumerable<Run> runs, string variant, string rule) =>
            runs.Where(r => r.Variant == variant && r.Rule == rule)
                .GroupBy(r => r.Round).OrderBy(g => g.Key).Select(g => g.Sum(r => r.Ms)).ToList();

        public static int Warnings(IEnumerable<Run> runs, string variant, string rule) =>
            runs.Where(r => r.Variant == variant && r.Rule == rule).GroupBy(r => r.Round).Select(g => g.Sum(r => r.Warnings)).DefaultIfEmpty(0).Max();

        public static string Spread(IReadOnlyList<double> values) =>
            values.Count == 0 ? "n/a" : $"{Ms(Stats.Median(values))} ({Ms(Stats.Quantile(values, 0.25))}–{Ms(Stats.Quantile(values, 0.75))})";

        public static string Interval(IReadOnlyList<double> ratios, Func<double, string> format)
        {
            if (ratios.Count == 0)
            {
                return "n/a";
            }

            var (low, high) = Stats.MedianInterval(ratios);
            return $"{format(Stats.Median(ratios))} [{format(low)}, {format(high)}]";
        }

        public static string Ms(double ms) => double.IsNaN(ms) ? "n/a" : ms >= 100 ? ms.ToString("N0", CultureInfo.InvariantCulture) : ms.ToString("F1", CultureInfo.InvariantCulture);

        public static string Percent(double share) => (100 * share).ToString(share < 0.001 ? "F3" : "F2", CultureInfo.InvariantCulture) + " %";

        public static string Times(double ratio) => ratio.ToString("F2", CultureInfo.InvariantCulture) + "×";

        /// <summary>The per-library table of the run mode, and the per-rule table under it.</summary>
        public static void Cost(TextWriter output, IReadOnlyList<LibraryResult> libraries)
        {
            output.WriteLine("| library | compilations | load (1/5/15 min, start → end) | compile ms | CloseNotify ms | CloseNotify / compile | floor ms | CloseNotify / floor | warnings | AD0001 | real build: CloseNotify ms / Csc ms |");
            output.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var library in libraries)
            {
                var compile = PerRound(library.Runs, "compile", "compile");
                var ours = PerRound(library.Runs, "closenotify", "all");
                var floor = PerRound(library.Runs, "floor", "all");
                output.WriteLine($"| {library.Name} | {library.Compilations} | {library.LoadBefore} → {library.LoadAfter} | {Spread(compile)} | {Spread(ours)} | "
                    + $"{Interval(Stats.Ratios(ours, compile), Percent)} | {Spread(floor)} | {Interval(Stats.Ratios(ours, floor), Times)} | "
                    + $"{Warnings(library.Runs, "closenotify", "all")} | {library.Exceptions} | {library.RealBuild} |");
            }

            output.WriteLine();
            output.WriteLine("| library | rule | CloseNotify ms | / compile | floor ms | / floor | warnings |");
            output.WriteLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var library in libraries)
            {
                var compile = PerRound(library.Runs, "compile", "compile");
                foreach (var rule in Rules)
                {
                    var ours = PerRound(library.Runs, "closenotify", rule);
                    var floor = PerRound(library.Runs, "floor", rule);
                    output.WriteLine($"| {library.Name} | {rule} | {Spread(ours)} | {Interval(Stats.Ratios(ours, compile), Percent)} | {Spread(floor)} | "
                        + $"{Interval(Stats.Ratios(ours, floor), Times)} | {Warnings(library.Runs, "closenotify", rule)} |");
                }
            }
        }

        /// <summary>The A/B table: B's time over A's, run by run.</summary>
        public static void AB(TextWriter output, IReadOnlyList<LibraryResult> libraries)
        {
            output.WriteLine("| library | load (start → end) | rule | A ms | B ms | B / A | warnings A → B |");
            output.WriteLine("|---|---|---|---:|---:|---:|---:|");
            var logs = new List<double>();
            foreach (var library in libraries)
            {
                foreach (var rule in new[] { "all" }.Concat(Rules))
                {
                    var a = PerRound(library.Runs, "A", rule);
                    var b = PerRound(library.Runs, "B", rule);
                    var ratios = Stats.Ratios(b, a);
                    if (rule == "all" && ratios.Count > 0)
                    {
                        logs.Add(Math.Log(Stats.Median(ratios)));
                    }

                    var load = rule == "all" ? $"{library.LoadBefore} → {library.LoadAfter}" : string.Empty;
                    output.WriteLine($"| {(rule == "all" ? library.Name : string.Empty)} | {load} | {(rule == "all" ? "**all**" : rule)} | {Spread(a)} | {Spread(b)} | "
                        + $"{Interval(ratios, Times)} | {Warnings(library.Runs, "A", rule)} → {Warnings(library.Runs, "B", rule)} |");
                }
            }

            if (logs.Count > 1)
            {
                output.WriteLine();
                output.WriteLine($"Geometric mean over the libraries of the median B / A (all rules): {Times(Math.Exp(logs.Average()))}");
            }
        }
    }

    /// <summary>One library's counted runs and what the table says about it.</summary>
    internal sealed record LibraryResult(string Name, int Compilations, string LoadBefore, string LoadAfter, List<Run> Runs, int Exceptions, string RealBuild);
}
