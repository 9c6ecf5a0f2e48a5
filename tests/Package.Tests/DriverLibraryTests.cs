using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>A driver library built for netstandard2.0, net462, net472, netstandard2.1, net8.0 and net10.0 installs
    /// either package: CloseNotify (the runtime, whose dependency brings the analyzers) or CloseNotify.Analyzers alone.
    /// Each gets the warnings in every target, and `dotnet format` leaves code that builds in every target.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class DriverLibraryTests
    {
        private static readonly string[] FormatArguments = { "--diagnostics", "TLS001", "TLS002", "TLS003", "--severity", "warn" };

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public DriverLibraryTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Library_referencing_only_CloseNotify_gets_the_analyzers_through_its_dependency_in_every_target()
        {
            var consumer = Consumers.DriverLibrary(_fixture, "DriverLibrary", PackageFixture.RuntimePackage);

            // The project names CloseNotify only, and CloseNotify has no analyzers of its own (see the layout tests):
            // every warning below comes from CloseNotify.Analyzers, restored as CloseNotify's dependency.
            using (var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(consumer.Directory, "obj", "project.assets.json"))))
            {
                foreach (var group in assets.RootElement.GetProperty("projectFileDependencyGroups").EnumerateObject())
                {
                    // Beside it only what the SDK adds by itself (the .NET Framework reference assemblies).
                    var direct = group.Value.EnumerateArray().Select(d => d.GetString()!).ToList();
                    Assert.Contains($"{PackageFixture.RuntimePackage} >= {PackageFixture.PackageVersion}", direct);
                    Assert.DoesNotContain(direct, d => d.StartsWith(PackageFixture.AnalyzersPackage, StringComparison.Ordinal));
                }

                Assert.True(assets.RootElement.GetProperty("libraries").TryGetProperty($"{PackageFixture.AnalyzersPackage}/{PackageFixture.PackageVersion}", out _));
            }

            AssertWarnsInEveryTarget(consumer);
        }

        [Fact]
        public void Library_referencing_only_CloseNotify_builds_with_Nullable_and_warnings_as_errors_in_every_target_after_dotnet_format()
        {
            var consumer = FormattedDriverLibrary("DriverLibraryFormat", PackageFixture.RuntimePackage);

            Assert.Contains("await TlsClose.GracefulAsync(ssl)", consumer.Read("Upgrade.cs"), StringComparison.Ordinal);
            Assert.Contains("SSL_get_error(_ssl, result)", consumer.Read("NativeSession.cs"), StringComparison.Ordinal);
            Assert.Contains("TlsErrors.IsBenign(ex, ssl)", consumer.Read("Shutdown.cs"), StringComparison.Ordinal);

            var build = consumer.Build("-p:TreatWarningsAsErrors=true");
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            // Nothing at all in any target: no TLS warning left, and no nullable or other warning from the fixed code.
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Empty(BuildDiagnostics.Parse(build.Output));
            AssertBuiltEveryTarget(consumer);
        }

        [Fact]
        public void Project_referencing_only_CloseNotify_Analyzers_gets_the_warnings_in_every_target()
        {
            var consumer = Consumers.DriverLibrary(_fixture, "AnalyzersOnly", PackageFixture.AnalyzersPackage);

            AssertWarnsInEveryTarget(consumer);
        }

        [Fact]
        public void Project_referencing_only_CloseNotify_Analyzers_builds_in_every_target_after_dotnet_format()
        {
            var consumer = FormattedDriverLibrary("AnalyzersOnlyFormat", PackageFixture.AnalyzersPackage);

            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.DoesNotContain(BuildDiagnostics.Parse(build.Output), d => !d.Id.StartsWith("TLS", StringComparison.Ordinal));

            // Without the runtime, the TLS001 fix writes SslStream.ShutdownAsync, which netstandard2.0 and net462 lack: in a
            // library that also targets those, it is not offered, and those warnings stay (docs/rules/TLS001.md says what
            // to do). Everything else is fixed (the SSL_shutdown loop, ShutdownAsync awaited, the catch narrowed) and must
            // not warn again, in any target.
            var mayStay = ExpectedDiagnostic.Library.Where(e => e.Id == "TLS001").ToList();
            foreach (var target in Consumers.DriverTargets)
            {
                var left = Consumer.TlsKeys(build, target, "warning");
                var allowed = ExpectedDiagnostic.KeysIn(mayStay.Where(e => e.AppliesTo(target)), consumer.Directory);
                _output.WriteLine($"{target}: {left.Count} TLS warning(s) left");
                Assert.True(left.All(allowed.Contains), $"{target}: warnings left that a fix should have removed:\n  {string.Join("\n  ", left.Except(allowed))}\n\n{build}");
            }

            AssertBuiltEveryTarget(consumer);
        }

        /// <summary>A driver library of its own, after `dotnet format` applied every TLS fix it offers.</summary>
        private Consumer FormattedDriverLibrary(string name, string package)
        {
            var consumer = Consumers.DriverLibrary(_fixture, name, package);
            var fix = consumer.Format(FormatArguments);
            Assert.True(fix.ExitCode == 0, fix.ToString());
            _output.WriteLine(consumer.Read("Upgrade.cs") + consumer.Read("NativeSession.cs") + consumer.Read("Shutdown.cs"));
            return consumer;
        }

        /// <summary>A build (not yet fixed) reports each misuse of Consumers/Library in each target it applies to, and
        /// nothing else.</summary>
        private void AssertWarnsInEveryTarget(Consumer consumer)
        {
            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode == 0, build.ToString());
            Consumers.AssertAnalyzersLoaded(build);
            foreach (var target in Consumers.DriverTargets)
            {
                var expected = ExpectedDiagnostic.KeysIn(ExpectedDiagnostic.Library.Where(e => e.AppliesTo(target)), consumer.Directory);
                var actual = Consumer.TlsKeys(build, target, "warning");
                _output.WriteLine($"{target}: {actual.Count} TLS warning(s)");
                Consumers.AssertSameKeys(expected, actual, build, $"TLS warnings for {target}");
            }

            Assert.True(BuildDiagnostics.Parse(build.Output).All(d => d.Id.StartsWith("TLS", StringComparison.Ordinal) && d.Severity == "warning"), build.ToString());
        }

        /// <summary>The build really compiled every target (a target skipped would warn about nothing).</summary>
        private static void AssertBuiltEveryTarget(Consumer consumer)
        {
            foreach (var target in Consumers.DriverTargets)
            {
                var output = Path.Combine(consumer.Directory, "bin", "Debug", target, Path.GetFileNameWithoutExtension(consumer.ProjectFile) + ".dll");
                Assert.True(File.Exists(output), $"no {output}");
            }
        }
    }
}
