using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CloseNotify;
using CloseNotify.Runtime.Tests.Load;
using static CloseNotify.Runtime.Tests.Load.LoadFigures;

// Three roles: the .NET peer host (started by a burst), one burst (started by the driver, so that every burst begins
// with a fresh thread pool), and the driver, which runs every burst of the matrix and prints the table.
if (args.Length > 0 && args[0] == DotNetPeers.Argument)
{
    return await DotNetPeers.HostAsync(args);
}

if (args.Length > 0 && args[0] == "--burst")
{
    return await Burst.RunAsync(args);
}

var settings = Settings.Parse(args);
var table = new List<string>
{
    "| N | peer | peer behaviour | API | all closed (ms) | p50 (ms) | p99 (ms) | max (ms) | pool threads before → peak → after | past bound | hung | escaped | lost | outcomes | all closed / baseline | p50 / baseline | p99 / baseline |",
    "|---:|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|",
};
Console.WriteLine($"load average at start: {LoadAverage()}; {Environment.ProcessorCount} cores; drain timeout {settings.DrainMs} ms, Notify timeout {TlsClose.DefaultNotifyTimeout.TotalMilliseconds} ms, slack {settings.SlackMs} ms");
var done = new HashSet<(PeerKind, int)>();
foreach (var n in settings.Counts)
{
    foreach (var kind in settings.Peers)
    {
        var count = kind == PeerKind.OpenSsl ? Math.Min(n, settings.OpenSslMax) : n;
        if (!done.Add((kind, count)))
        {
            continue; // s_server peers are capped: this count was run already
        }

        foreach (var behaviour in settings.Behaviours)
        {
            Burst.Line? baseline = null;
            foreach (var api in new[] { CloseApi.HandWritten }.Concat(settings.Apis.Where(a => a != CloseApi.HandWritten)))
            {
                var line = await Burst.SpawnAsync(count, kind, behaviour, api, settings);
                baseline ??= api == CloseApi.HandWritten ? line : null;
                var row = line == null
                    ? $"| {count:N0} | {kind} | {behaviour} | {api} | failed | | | | | | | | | | | | |"
                    : $"| {count:N0} | {kind} | {behaviour} | {api} | {line.Total} | {line.P50} | {line.P99} | {line.Max} | {line.Threads} | {line.PastBound} | {line.Hung} | {line.Escaped} | {line.Lost} | {line.Outcomes} | {Ratio(line.TotalMs, baseline?.TotalMs)} | {Ratio(line.P50Ms, baseline?.P50Ms)} | {Ratio(line.P99Ms, baseline?.P99Ms)} |";
                table.Add(row);
                Console.WriteLine(row);
            }
        }
    }
}

Console.WriteLine($"load average at end: {LoadAverage()}");
Console.WriteLine();
Console.WriteLine(string.Join(Environment.NewLine, table));
return 0;

static string Ratio(double value, double? baseline) =>
    baseline is { } b && b > 0 ? (value / b).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>The driver's options: <c>--n 100,500,2000 --peers dotnet,openssl --behaviours ... --apis ...
/// --openssl-max 100 --drain-ms 2000 --slack-ms 100</c>.</summary>
internal sealed class Settings
{
    public int[] Counts { get; private set; } = { 100, 500, 2000 };

    public PeerKind[] Peers { get; private set; } = { PeerKind.DotNet, PeerKind.OpenSsl };

    public PeerBehaviour[] Behaviours { get; private set; } = Enum.GetValues<PeerBehaviour>();

    public CloseApi[] Apis { get; private set; } = Enum.GetValues<CloseApi>();

    /// <summary>s_server peers at most: one process each (it serves one connection at a time).</summary>
    public int OpenSslMax { get; private set; } = 100;

    public int DrainMs { get; private set; } = 2000;

    public int SlackMs { get; private set; } = 100;

    public static Settings Parse(string[] args)
    {
        var settings = new Settings();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var values = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries);
            switch (args[i])
            {
                case "--n": settings.Counts = values.Select(int.Parse).ToArray(); break;
                case "--peers": settings.Peers = values.Select(v => Enum.Parse<PeerKind>(v, true)).ToArray(); break;
                case "--behaviours": settings.Behaviours = values.Select(v => Enum.Parse<PeerBehaviour>(v, true)).ToArray(); break;
                case "--apis": settings.Apis = values.Select(v => Enum.Parse<CloseApi>(v, true)).ToArray(); break;
                case "--openssl-max": settings.OpenSslMax = int.Parse(values[0], CultureInfo.InvariantCulture); break;
                case "--drain-ms": settings.DrainMs = int.Parse(values[0], CultureInfo.InvariantCulture); break;
                case "--slack-ms": settings.SlackMs = int.Parse(values[0], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return settings;
    }
}

/// <summary>One burst in a process of its own.</summary>
internal static class Burst
{
    public static async Task<Line?> SpawnAsync(int count, PeerKind kind, PeerBehaviour behaviour, CloseApi api, Settings settings)
    {
        // Through the dotnet host, as the .NET peers are started: the driver may itself run as `dotnet Load.Bench.dll`.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", typeof(Burst).Assembly.Location, "--burst", count.ToString(CultureInfo.InvariantCulture), kind.ToString(), behaviour.ToString(), api.ToString(), settings.DrainMs.ToString(CultureInfo.InvariantCulture), settings.SlackMs.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT\t", StringComparison.Ordinal));
        if (result == null)
        {
            Console.Error.WriteLine($"burst {count} {kind} {behaviour} {api} failed:{Environment.NewLine}{output}");
            return null;
        }

        return new Line(result.Split('\t'));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(args[1], CultureInfo.InvariantCulture);
        var kind = Enum.Parse<PeerKind>(args[2]);
        var behaviour = Enum.Parse<PeerBehaviour>(args[3]);
        var api = Enum.Parse<CloseApi>(args[4]);
        var burst = new LoadBurst
        {
            Options = new TlsCloseOptions { DrainTimeout = TimeSpan.FromMilliseconds(int.Parse(args[5], CultureInfo.InvariantCulture)), MaxDrainBytes = 256 * 1024 },
            Cap = TimeSpan.FromMinutes(3),
            Blockers = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 0,
        };
        var plan = Enumerable.Repeat((api, behaviour), count).ToArray();
        var result = await LoadRun.RunAsync(kind, plan, burst, TimeSpan.FromMinutes(2));
        var figures = result.Figures(_ => true, burst.BoundOf(api), TimeSpan.FromMilliseconds(int.Parse(args[6], CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Join('\t', "RESULT", Ms(figures.Total), Ms(figures.P50), Ms(figures.P99), Ms(figures.Max),
            $"{figures.ThreadsBefore} → {figures.ThreadsPeak} → {figures.ThreadsAfter}", figures.Bound == null ? "n/a" : figures.PastBound.ToString(CultureInfo.InvariantCulture),
            figures.Hung + figures.NeverStarted, figures.Escaped, figures.Checked == 0 ? "n/a" : $"{figures.Lost}/{figures.Checked}", figures.Outcomes.Length == 0 ? "-" : figures.Outcomes,
            figures.Escaped > 0 ? figures.Escapes.First().GetType().Name + ": " + figures.Escapes.First().Message.Replace('\t', ' ').Replace('\n', ' ') : string.Empty));
        return 0;
    }

    internal sealed class Line
    {
        public Line(string[] fields)
        {
            Total = fields[1];
            P50 = fields[2];
            P99 = fields[3];
            Max = fields[4];
            Threads = fields[5];
            PastBound = fields[6];
            Hung = fields[7];
            Escaped = fields[8] == "0" || fields.Length < 12 || fields[11].Length == 0 ? fields[8] : $"{fields[8]} ({fields[11]})";
            Lost = fields[9];
            Outcomes = fields[10];
        }

        public string Total { get; }

        public double TotalMs => double.Parse(Total, CultureInfo.InvariantCulture);

        public string P50 { get; }

        public double P50Ms => double.Parse(P50, CultureInfo.InvariantCulture);

        public string P99 { get; }

        public double P99Ms => double.Parse(P99, CultureInfo.InvariantCulture);

        public string Max { get; }

        public string Threads { get; }

        public string PastBound { get; }

        public string Hung { get; }

        public string Escaped { get; }

        public string Lost { get; }

        public string Outcomes { get; }
    }
}
