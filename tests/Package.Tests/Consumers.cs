using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace CloseNotify.Package.Tests
{
    /// <summary>The consumer projects the tests share, each created and restored once per run, and the checks every
    /// consumer build must pass.</summary>
    public static class Consumers
    {
        public const string Net8 = "net8.0";
        public const string NetStandard21 = "netstandard2.1";

        public static readonly string[] LibraryTargets = { Net8, NetStandard21 };

        /// <summary>Every framework a driver library ships for, and the one the tests run on.</summary>
        public static readonly string[] DriverTargets = { "netstandard2.0", "net462", "net472", NetStandard21, Net8, "net10.0" };

        /// <summary>The driver targets whose SslStream has ShutdownAsync in its reference surface.</summary>
        public static readonly string[] WithShutdownAsync = { "net472", NetStandard21, Net8, "net10.0" };

        /// <summary>Every misuse of Consumers/Misuse plus the correct code, built for net8.0 and netstandard2.1.</summary>
        public static Consumer Misuse(PackageFixture fixture) =>
            fixture.Consumer("Misuse", f => Consumer.Create(f, "Misuse", "Misuse", Consumer.ProjectXml(string.Join(";", LibraryTargets))));

        /// <summary>The sources of Consumers/Library in a project built for every driver target, the way such libraries
        /// are written (Nullable enabled, so a C# version past netstandard2.0's and .NET Framework's default 7.3),
        /// referencing <paramref name="package"/> only.</summary>
        public static Consumer DriverLibrary(PackageFixture fixture, string name, string package) =>
            fixture.Consumer(name, f => Consumer.Create(f, name, "Library", Consumer.ProjectXml(
                string.Join(";", DriverTargets),
                // Signed, as most driver libraries are: a runtime without a strong name breaks its build (CS8002).
                properties: "    <LangVersion>latest</LangVersion>\n    <SignAssembly>true</SignAssembly>\n"
                    + $"    <AssemblyOriginatorKeyFile>{Path.Combine(fixture.RepositoryRoot, "eng", "CloseNotify.snk")}</AssemblyOriginatorKeyFile>\n",
                package: package,
                nullable: "enable")));

        public static string HelpUri(string id) => $"https://github.com/closenotify/closenotify/blob/main/docs/rules/{id}.md";

        /// <summary>The analyzers loaded and ran: no analyzer crash (AD0001), no assembly that failed to load (CS8032),
        /// no analyzer built against a newer compiler than the one running (CS8784, CS9057).</summary>
        public static void AssertAnalyzersLoaded(CliResult build)
        {
            var problems = BuildDiagnostics.Parse(build.Output)
                .Where(d => d.Id is "AD0001" or "CS8032" or "CS8784" or "CS9057")
                .ToList();
            var bare = new[] { "AD0001", "CS8032", "CS8784", "CS9057" }.Where(id => build.Output.Contains(id + ":", StringComparison.Ordinal)).ToList();
            Assert.True(problems.Count == 0 && bare.Count == 0, $"analyzer load problems ({string.Join(", ", problems.Select(p => p.ToString()).Concat(bare))}) in {build}");
        }

        public static void AssertSameKeys(IReadOnlyList<string> expected, IReadOnlyList<string> actual, CliResult build, string what) =>
            Assert.True(expected.SequenceEqual(actual),
                $"{what}\nexpected:\n  {string.Join("\n  ", expected)}\nactual:\n  {string.Join("\n  ", actual)}\n\n{build}");
    }
}
