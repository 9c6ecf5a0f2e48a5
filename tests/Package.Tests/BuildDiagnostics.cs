using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace CloseNotify.Package.Tests
{
    /// <summary>One compiler diagnostic as MSBuild prints it: <c>path(line,col): warning ID: message [project::TargetFramework=tfm]</c>.</summary>
    public sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string TargetFramework)
    {
        /// <summary>The place and ID, without severity or target: what the expectations are written in.</summary>
        public string Key => $"{File}({Line},{Column}) {Id}";

        public override string ToString() => $"{File}({Line},{Column}): {Severity} {Id} [{TargetFramework}]";
    }

    public static class BuildDiagnostics
    {
        private static readonly Regex Line = new Regex(
            @"^\s*(?:\d+>)?(?<path>[^\s(][^(]*?)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\): (?<severity>warning|error) (?<id>[A-Z]+\d+):.*?(?:\s\[(?<project>[^\]]*)\])?\s*$",
            RegexOptions.Multiline);

        private static readonly Regex TargetFramework = new Regex(@"::TargetFramework=(?<tfm>[^\]\s;]+)");

        /// <summary>Every distinct diagnostic in a build log (MSBuild repeats each one in its summary).</summary>
        public static IReadOnlyList<BuildDiagnostic> Parse(string output, string? defaultTargetFramework = null) =>
            Line.Matches(output)
                .Select(m => new BuildDiagnostic(
                    Path.GetFileName(m.Groups["path"].Value.Trim()),
                    int.Parse(m.Groups["line"].Value),
                    int.Parse(m.Groups["col"].Value),
                    m.Groups["severity"].Value,
                    m.Groups["id"].Value,
                    TargetFrameworkOf(m.Groups["project"].Value) ?? defaultTargetFramework ?? ""))
                .Distinct()
                .ToList();

        public static IReadOnlyList<BuildDiagnostic> Tls(this IEnumerable<BuildDiagnostic> diagnostics) =>
            diagnostics.Where(d => d.Id.StartsWith("TLS", StringComparison.Ordinal)).ToList();

        private static string? TargetFrameworkOf(string project)
        {
            var match = TargetFramework.Match(project);
            return match.Success ? match.Groups["tfm"].Value : null;
        }
    }

    /// <summary>Where each misuse in <c>Consumers/Misuse</c> must be reported: the position of an anchor text, found
    /// in the file itself so that editing a consumer source cannot silently move an expectation.</summary>
    public sealed record ExpectedDiagnostic(string Id, string File, string Anchor)
    {
        public static readonly IReadOnlyList<ExpectedDiagnostic> All = new[]
        {
            new ExpectedDiagnostic("TLS001", "Tls001Misuse.cs", "ssl = new SslStream(tcp.GetStream()))"),
            new ExpectedDiagnostic("TLS001", "Tls001Misuse.cs", "ssl.Dispose()"),
            new ExpectedDiagnostic("TLS002", "Tls002Misuse.cs", "stream.ShutdownAsync()"),
            new ExpectedDiagnostic("TLS002", "Tls002Misuse.cs", "SSL_shutdown(_ssl)"),
            new ExpectedDiagnostic("TLS003", "Tls003Misuse.cs", "catch"),
        };

        /// <summary>The 1-based line and column of the anchor, which must occur exactly once in the file.</summary>
        public (int Line, int Column) PositionIn(string directory)
        {
            var text = System.IO.File.ReadAllText(Path.Combine(directory, File)).Replace("\r\n", "\n");
            var index = text.IndexOf(Anchor, StringComparison.Ordinal);
            if (index < 0 || text.IndexOf(Anchor, index + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidOperationException($"The anchor '{Anchor}' must occur exactly once in {File}.");
            }

            var line = text.Take(index).Count(c => c == '\n') + 1;
            var column = index == 0 ? 1 : index - text.LastIndexOf('\n', index - 1);
            return (line, column);
        }

        public string KeyIn(string directory)
        {
            var (line, column) = PositionIn(directory);
            return $"{File}({line},{column}) {Id}";
        }

        public static IReadOnlyList<string> KeysIn(string directory, Func<ExpectedDiagnostic, bool>? where = null) =>
            All.Where(where ?? (_ => true)).Select(e => e.KeyIn(directory)).OrderBy(k => k, StringComparer.Ordinal).ToList();
    }
}
