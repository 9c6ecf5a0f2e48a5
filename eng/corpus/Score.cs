// Scores one run of eng/corpus.sh against the hand-made labels and prints the markdown tables (accuracy per
// library and rule, cost per library) and the false positives and negatives to work on. A .NET 10 file-based
// app, because the machines that run it have only the .NET SDK:
//   dotnet run --file eng/corpus/Score.cs -- --labels eng/corpus/labels.tsv --results artifacts/corpus [library...]
// What counts as a match, and where each figure comes from: eng/corpus/README.md.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

var labelsPath = "eng/corpus/labels.tsv";
var resultsDir = "artifacts/corpus";
var libraries = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--labels": labelsPath = args[++i]; break;
        case "--results": resultsDir = args[++i]; break;
        default: libraries.Add(args[i]); break;
    }
}

var problems = new List<string>();
var labels = ReadLabels(labelsPath, problems);
if (libraries.Count == 0)
{
    libraries = Directory.GetDirectories(resultsDir).Where(d => File.Exists(Path.Combine(d, "status")))
        .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
}

var runs = libraries.Select(l => ReadRun(l, Path.Combine(resultsDir, l), problems)).ToList();
CheckLabels(labels, runs, problems);
var implemented = runs.SelectMany(r => r.Implemented).ToHashSet();
var rules = implemented.Concat(labels.Select(l => l.Rule)).Distinct().Order(StringComparer.Ordinal).ToList();
var analyzersCommit = ReadText(Path.Combine(resultsDir, "analyzers", "commit")) ?? "unknown";
var inv = CultureInfo.InvariantCulture;

Console.WriteLine($"CloseNotify analyzers at commit {analyzersCommit[..Math.Min(12, analyzersCommit.Length)]}; " +
    $"{labels.Count} labels from {labelsPath}; each library built for one TFM, {runs.FirstOrDefault()?.Status.GetValueOrDefault("configuration") ?? "?"}; " +
    $"times: the fastest of {runs.Select(r => r.Costs.Count).DefaultIfEmpty(0).Max()} build(s).");
Console.WriteLine("Compiler server: " + string.Join(", ", runs.Select(r => r.Status.GetValueOrDefault("shared_compilation", "?")).Distinct()
    .Select(v => v == "false" ? "off (UseSharedCompilation=false: each compilation loads and JIT-compiles the analyzers)" : "on")) +
    "; load average before each library's builds: " + string.Join(", ", runs.Select(r => $"{r.Library} {r.Status.GetValueOrDefault("load", "?")}")) + ".");
Console.WriteLine();
Console.WriteLine("| library | rule | TP | FP | FN | precision | recall | silent labels held |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
var scores = new List<Score>();
foreach (var run in runs)
{
    foreach (var rule in rules)
    {
        var score = ScoreRule(run, rule, labels.Where(l => l.Library == run.Library && l.Rule == rule).ToList());
        scores.Add(score);
        Console.WriteLine(Row(run.Library + (run.Built ? "" : " (build failed)"), rule, score));
    }
}

foreach (var rule in rules)
{
    var all = scores.Where(s => s.Rule == rule).ToList();
    var total = new Score(rule, all.Sum(s => s.TP), all.Sum(s => s.FP), all.Sum(s => s.FN), all.Sum(s => s.SilentHeld), all.Sum(s => s.Silent), new(), new());
    Console.WriteLine(Row("**corpus**", rule, total));
}

// Cost: CloseNotify's analyzer time summed over every compilation of the library's build (the library project
// and the projects of its repository it references, which all get the analyzers), over the time of all the
// build's Csc tasks (which include every analyzer's and generator's time). With several builds (--repeat), each
// figure is the fastest of them.
var ruleTimes = runs.SelectMany(r => r.Costs.SelectMany(c => c)).Where(IsOurType)
    .Select(c => RuleOf(c.Name)).Distinct().Order(StringComparer.Ordinal).ToList();
var withCa2000 = runs.Any(r => r.Ca2000 is not null);
Console.WriteLine();
Console.WriteLine("| library | commit | compilations | restore s | build s | AD0001 | CS8032/CS8784 | CloseNotify ms | " +
    string.Concat(ruleTimes.Select(r => r + " ms | ")) + "Csc ms | CloseNotify / Csc |" + (withCa2000 ? " CA2000 ms | CloseNotify / CA2000 | CA2000 warnings |" : ""));
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|" + string.Concat(ruleTimes.Select(_ => "---:|")) + "---:|---:|" + (withCa2000 ? "---:|---:|---:|" : ""));
foreach (var run in runs)
{
    var ours = Fastest(run, OursMs);
    var csc = Fastest(run, CscMs);
    var compilations = run.Costs.FirstOrDefault()?.Count(c => c.Kind == "total") ?? 0;
    var calls = run.Costs.FirstOrDefault()?.Where(c => c.Kind == "csc").Sum(c => c.Calls) ?? 0;
    if (calls != compilations)
    {
        problems.Add($"{run.Library}: {calls} Csc calls but {compilations} analyzer reports: a compilation ran without our -reportanalyzer");
    }

    var line = $"| {run.Library} | {run.Head[..Math.Min(8, run.Head.Length)]} | {compilations} | {run.Status.GetValueOrDefault("restore_s", "?")} | " +
        $"{run.Status.GetValueOrDefault("build_s", "?")} | {run.Failures.Count(f => f.Rule == "AD0001" && f.Ours)} | " +
        $"{run.Failures.Count(f => f.Rule != "AD0001" && f.Ours)} | {ours:0} | " +
        string.Concat(ruleTimes.Select(r => $"{Fastest(run, cost => cost.Where(c => IsOurType(c) && RuleOf(c.Name) == r).Sum(c => c.Ms)):0} | ")) +
        $"{csc:0} | {Percent(ours, csc, "0.00")} |";
    if (withCa2000)
    {
        var ca = run.Ca2000;
        var caMs = ca is null ? 0 : Fastest(ca, cost => cost.Where(c => c.Kind == "type" && c.Name.Contains("(CA2000", StringComparison.Ordinal)).Sum(c => c.Ms));
        line += ca is null ? " | | |" : $" {caMs:0} | {Percent(Fastest(ca, OursMs), caMs, "0.0")} | {ca.Other.Count(d => d.Rule == "CA2000")} |";
    }

    Console.WriteLine(line);
}

// What to work on: every false positive and false negative, with the label's note.
Console.WriteLine();
Console.WriteLine("### False positives and false negatives");
foreach (var run in runs)
{
    var mine = scores.Skip(runs.IndexOf(run) * rules.Count).Take(rules.Count).ToList();
    if (mine.All(s => s.FPs.Count == 0 && s.FNs.Count == 0) && run.Failures.Count == 0)
    {
        continue;
    }

    Console.WriteLine();
    Console.WriteLine($"**{run.Library}**");
    foreach (var s in mine)
    {
        foreach (var fp in s.FPs)
        {
            Console.WriteLine($"- FP {s.Rule} `{fp.Site}`: {fp.Text}");
        }

        var unimplemented = !implemented.Contains(s.Rule);
        if (unimplemented && s.FNs.Count > 0)
        {
            Console.WriteLine($"- FN {s.Rule}: {s.FNs.Count} report labels (the rule is not implemented yet)");
            continue;
        }

        foreach (var fn in s.FNs)
        {
            Console.WriteLine($"- FN {s.Rule} `{fn.Site}`: {fn.Text}");
        }
    }

    foreach (var f in run.Failures)
    {
        Console.WriteLine($"- {f.Rule}{(f.Ours ? "" : " (another analyzer)")} `{f.File}:{f.Line}` in {f.Project}: {f.Message}");
    }
}

if (problems.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("### Label and run problems");
    foreach (var p in problems.Distinct())
    {
        Console.WriteLine("- " + p);
    }
}

return runs.All(r => r.Built) ? 0 : 1;

string Row(string library, string rule, Score s) =>
    $"| {library} | {rule}{(implemented.Contains(rule) ? "" : " (not implemented)")} | {s.TP} | {s.FP} | {s.FN} | " +
    $"{Percent(s.TP, s.TP + s.FP, "0.#")} | {Percent(s.TP, s.TP + s.FN, "0.#")} | {s.SilentHeld}/{s.Silent} |";

string Percent(double part, double whole, string format) =>
    whole == 0 ? "n/a" : (100 * part / whole).ToString(format, inv) + " %";

static double OursMs(List<Cost> cost) =>
    cost.Where(c => c.Kind == "asm" && c.Name == "CloseNotify.Analyzers").Sum(c => c.Ms);

static double CscMs(List<Cost> cost) => cost.Where(c => c.Kind == "csc").Sum(c => c.Ms);

static bool IsOurType(Cost c) => c.Kind == "type" && c.Name.StartsWith("CloseNotify.Analyzers|", StringComparison.Ordinal);

static double Fastest(Run run, Func<List<Cost>, double> figure) => run.Costs.Count == 0 ? 0 : run.Costs.Min(figure);

// "CloseNotify.Analyzers|CloseNotify.Analyzers.SingleShotShutdownAnalyzer (TLS002)" -> "TLS002"
static string RuleOf(string name)
{
    var open = name.LastIndexOf('(');
    return open < 0 ? name : name[(open + 1)..].TrimEnd(')');
}

// Matching: a site is (rule, file, line). At each site, the diagnostics (identical ones from two compilations of
// one file counted once) are paired with the `report` labels: TP = the pairs, FN = report labels left over, FP =
// diagnostics left over. A `silent` label is a negative: it never absorbs a diagnostic, and is held when none is
// left over at its site.
static Score ScoreRule(Run run, string rule, List<Label> labels)
{
    var diagnostics = run.Diagnostics.Where(d => d.Rule == rule).ToList();
    var sites = labels.Select(l => (l.File, l.Line)).Concat(diagnostics.Select(d => (d.File, d.Line))).Distinct()
        .OrderBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line);
    int tp = 0, fp = 0, fn = 0, held = 0, silent = 0;
    var fps = new List<(string, string)>();
    var fns = new List<(string, string)>();
    foreach (var (file, line) in sites)
    {
        var reports = labels.Where(l => l.File == file && l.Line == line && l.Expect == "report").ToList();
        var silents = labels.Where(l => l.File == file && l.Line == line && l.Expect == "silent").ToList();
        var found = diagnostics.Where(d => d.File == file && d.Line == line).ToList();
        var paired = Math.Min(reports.Count, found.Count);
        tp += paired;
        fn += reports.Count - paired;
        fp += found.Count - paired;
        silent += silents.Count;
        held += found.Count > paired ? 0 : silents.Count;
        var site = $"{file}:{line}";
        var why = silents.Count > 0 ? $" — at a silent label ({silents[0].Shape}): {silents[0].Note}" : "";
        var generated = file.Contains("/obj/", StringComparison.Ordinal) || file.StartsWith("obj/", StringComparison.Ordinal) ? " (generated file)" : "";
        fps.AddRange(found.Skip(paired).Select(d => (site, $"{d.Message}{generated}{why}")));
        fns.AddRange(reports.Skip(paired).Select(l => (site, $"({l.Shape}) {l.Note}; created {l.Origin}")));
    }

    return new Score(rule, tp, fp, fn, held, silent, fps, fns);
}

static List<Label> ReadLabels(string path, List<string> problems)
{
    var labels = new List<Label>();
    if (!File.Exists(path))
    {
        problems.Add($"no labels file {path}: every diagnostic counts as a false positive");
        return labels;
    }

    string[]? header = null;
    var number = 0;
    foreach (var raw in File.ReadLines(path))
    {
        number++;
        if (raw.Length == 0 || raw.StartsWith('#'))
        {
            continue;
        }

        var f = raw.Split('\t');
        if (header is null)
        {
            header = f;
            continue;
        }

        string Col(string name) { var i = Array.IndexOf(header, name); return i >= 0 && i < f.Length ? f[i].Trim() : ""; }
        var expect = Col("expect").ToLowerInvariant();
        if (!int.TryParse(Col("line"), NumberStyles.None, CultureInfo.InvariantCulture, out var line) || line < 1 ||
            expect is not ("report" or "silent") || !Col("rule").StartsWith("TLS", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{path}:{number}: not a label (rule TLSnnn, line > 0, expect report|silent): {raw}");
            continue;
        }

        var file = Col("file").Replace('\\', '/');
        file = file.StartsWith("./", StringComparison.Ordinal) ? file[2..] : file;
        labels.Add(new Label(Col("library"), Col("commit"), Col("rule").ToUpperInvariant(), file, line, expect, Col("origin"), Col("shape"), Col("note")));
    }

    return labels;
}

// Line numbers hold for the labelled commit only; a label past the end of its file, or in no file, is a typo.
static void CheckLabels(List<Label> labels, List<Run> runs, List<string> problems)
{
    foreach (var run in runs)
    {
        var mine = labels.Where(l => l.Library == run.Library).ToList();
        foreach (var commit in mine.Select(l => l.Commit).Distinct().Where(c => c != run.Head && c is not ("" or "-")))
        {
            problems.Add($"{run.Library}: labels made at commit {commit}, the checkout is at {run.Head}: lines may have moved");
        }

        foreach (var both in mine.GroupBy(l => (l.Rule, l.File, l.Line)).Where(g => g.Select(l => l.Expect).Distinct().Count() > 1))
        {
            problems.Add($"{run.Library}: {both.Key.Rule} {both.Key.File}:{both.Key.Line} is labelled both report and silent");
        }

        foreach (var label in mine.Where(_ => run.Root.Length > 0))
        {
            var path = Path.Combine(run.Root, label.File);
            var lines = File.Exists(path) ? File.ReadLines(path).Count() : -1;
            if (lines < label.Line)
            {
                problems.Add($"{run.Library}: label {label.Rule} {label.File}:{label.Line}: " + (lines < 0 ? "no such file" : $"the file has {lines} lines"));
            }
        }
    }
}

static Run ReadRun(string library, string dir, List<string> problems)
{
    var status = (ReadText(Path.Combine(dir, "status")) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split('\t')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
    var root = ReadText(Path.Combine(dir, "root")) ?? "";
    var run = new Run(library, ReadText(Path.Combine(dir, "head")) ?? "unknown", root, status, status.GetValueOrDefault("rc") == "0",
        new(), new(), new(), new(), 
        Directory.Exists(dir) ? Directory.GetFiles(dir, "cost-*.tsv").Order(StringComparer.Ordinal).Select(ReadCost).ToList() : new(), null);
    if (!run.Built)
    {
        problems.Add($"{library}: no successful build in {dir} (status: {string.Join(", ", status.Select(p => p.Key + "=" + p.Value))})");
    }

    var sarifDir = Path.Combine(dir, "sarif");
    foreach (var sarif in Directory.Exists(sarifDir) ? Directory.GetFiles(sarifDir, "*.sarif").Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
    {
        ReadSarif(sarif, run, problems);
    }

    var distinct = run.Diagnostics.DistinctBy(d => (d.Rule, d.File, d.Line, d.Message)).ToList();
    run.Diagnostics.Clear();
    run.Diagnostics.AddRange(distinct);
    var ca2000 = Path.Combine(dir, "ca2000");
    return File.Exists(Path.Combine(ca2000, "status")) ? run with { Ca2000 = ReadRun(library, ca2000, problems) } : run;
}

// One SARIF 2.1 log of one compilation: our results (TLSnnn), analyzer failures (AD0001, and CS8032/CS8784 when
// an analyzer cannot be loaded), every other result kept aside (CA2000 in the comparison build), and the ids of
// the TLS rules the loaded analyzers declare. Results suppressed in source are not reported to the user: skipped.
static void ReadSarif(string path, Run run, List<string> problems)
{
    using var json = JsonDocument.Parse(File.ReadAllBytes(path));
    var project = Path.GetFileNameWithoutExtension(path);
    foreach (var sarifRun in json.RootElement.GetProperty("runs").EnumerateArray())
    {
        if (sarifRun.TryGetProperty("tool", out var tool) && tool.GetProperty("driver").TryGetProperty("rules", out var rules))
        {
            run.Implemented.UnionWith(rules.EnumerateArray().Select(r => r.GetProperty("id").GetString() ?? "").Where(IsOurs));
        }

        foreach (var result in sarifRun.TryGetProperty("results", out var results) ? results.EnumerateArray() : default)
        {
            if (result.TryGetProperty("suppressions", out var s) && s.GetArrayLength() > 0)
            {
                continue;
            }

            var rule = result.GetProperty("ruleId").GetString() ?? "";
            var message = result.TryGetProperty("message", out var m) && m.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            var (file, line) = Location(result, run.Root);
            var diagnostic = new Diagnostic(rule, file, line, message, project, message.Contains("CloseNotify", StringComparison.Ordinal));
            (IsOurs(rule) ? run.Diagnostics : rule is "AD0001" or "CS8032" or "CS8784" ? run.Failures : run.Other).Add(diagnostic);
        }
    }
}

static bool IsOurs(string id) => id.Length == 6 && id.StartsWith("TLS", StringComparison.Ordinal) && id[3..].All(char.IsAsciiDigit);

static (string File, int Line) Location(JsonElement result, string root)
{
    if (!result.TryGetProperty("locations", out var locations) || locations.GetArrayLength() == 0 ||
        !locations[0].TryGetProperty("physicalLocation", out var physical))
    {
        return ("", 0);
    }

    var uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString() ?? "";
    var local = Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.IsFile ? u.LocalPath : Uri.UnescapeDataString(uri);
    var relative = root.Length > 0 && Path.IsPathRooted(local) ? Path.GetRelativePath(root, local) : local;
    relative = relative.StartsWith("..", StringComparison.Ordinal) ? local : relative.Replace('\\', '/');
    var line = physical.TryGetProperty("region", out var region) && region.TryGetProperty("startLine", out var l) ? l.GetInt32() : 0;
    return (relative, line);
}

static List<Cost> ReadCost(string path) => !File.Exists(path) ? new() : File.ReadLines(path)
    .Select(l => l.Split('\t')).Where(f => f.Length >= 4)
    .Select(f => new Cost(f[0], f[1], f[2], double.Parse(f[3], CultureInfo.InvariantCulture), f.Length > 4 ? int.Parse(f[4], CultureInfo.InvariantCulture) : 0)).ToList();

static string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

internal sealed record Label(string Library, string Commit, string Rule, string File, int Line, string Expect, string Origin, string Shape, string Note);

internal sealed record Diagnostic(string Rule, string File, int Line, string Message, string Project, bool Ours);

internal sealed record Cost(string Kind, string Project, string Name, double Ms, int Calls);

internal sealed record Score(string Rule, int TP, int FP, int FN, int SilentHeld, int Silent, List<(string Site, string Text)> FPs, List<(string Site, string Text)> FNs);

internal sealed record Run(string Library, string Head, string Root, Dictionary<string, string> Status, bool Built,
    HashSet<string> Implemented, List<Diagnostic> Diagnostics, List<Diagnostic> Failures, List<Diagnostic> Other, List<List<Cost>> Costs, Run? Ca2000);
