using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace CloseNotify.Package.Tests
{
    /// <summary>A library that multi-targets calls the same runtime API in every target: the per-framework PublicAPI
    /// files (which the PublicApiAnalyzers hold each build to) list the same members.</summary>
    public class RuntimeSurfaceTests
    {
        private static readonly string[] Targets = { "netstandard2.0", "net462", "net472", "netstandard2.1", "net8.0" };

        [Fact]
        public void Runtime_public_API_is_the_same_on_every_target_but_for_Stream_members_the_framework_lacks()
        {
            var root = typeof(RuntimeSurfaceTests).Assembly.GetCustomAttribute<RepositoryRootAttribute>()!.Path;
            var surfaces = Targets.ToDictionary(t => t, t => Surface(Path.Combine(root, "src", "Runtime", "PublicAPI", t)));

            // TlsTransport overrides Stream's Span/Memory members only where Stream has them (netstandard2.1, net8.0).
            var spanOverrides = surfaces["net8.0"].Where(IsSpanOverride).ToList();
            Assert.Equal(4, spanOverrides.Count);
            foreach (var target in Targets)
            {
                Assert.Equal(target is "netstandard2.1" or "net8.0", surfaces[target].IsSupersetOf(spanOverrides));
                var expected = surfaces["net8.0"].Where(line => !IsSpanOverride(line)).OrderBy(l => l, StringComparer.Ordinal);
                Assert.Equal(expected, surfaces[target].Where(line => !IsSpanOverride(line)).OrderBy(l => l, StringComparer.Ordinal));
            }
        }

        private static bool IsSpanOverride(string line) =>
            line.StartsWith("override CloseNotify.TlsTransport.", StringComparison.Ordinal) && (line.Contains("Span<", StringComparison.Ordinal) || line.Contains("Memory<", StringComparison.Ordinal));

        /// <summary>The target's shipped and unshipped entries, with IntPtr spelled one way (net8.0's PublicAPI files
        /// print it as nint).</summary>
        private static HashSet<string> Surface(string directory) =>
            new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }
                .SelectMany(file => File.ReadAllLines(Path.Combine(directory, file)))
                .Where(line => line.Length > 0 && !line.StartsWith("#", StringComparison.Ordinal))
                .Select(line => line.Replace("(nint ", "(System.IntPtr ", StringComparison.Ordinal))
                .ToHashSet(StringComparer.Ordinal);
    }
}
