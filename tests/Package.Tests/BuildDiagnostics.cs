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
}
