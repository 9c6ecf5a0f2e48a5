using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>A project that installs the package gets each rule's warning at the right place, for each of the
    /// runtime's target frameworks, and nothing for correct code; CI switches (warnings as errors, SARIF) work.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class ConsumerBuildTests
    {
        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public ConsumerBuildTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Build_warns_at_each_misuse_and_not_on_correct_code_for_net8_and_netstandard2_1()
        {
            var consumer = Consumers.Misuse(_fixture);
            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode == 0, build.ToString());
            Consumers.AssertAnalyzersLoaded(build);
            var expected = ExpectedDiagnostic.KeysIn(consumer.Directory);
            foreach (var target in Consumers.LibraryTargets)
            {
                Consumers.AssertSameKeys(expected, Consumer.TlsKeys(build, target, "warning"), build, $"TLS warnings for {target}");
            }

            // Nothing else at all: the correct code (and the misuse files) must not trip any other warning either.
            var all = BuildDiagnostics.Parse(build.Output);
            Assert.True(all.All(d => d.Id.StartsWith("TLS", StringComparison.Ordinal) && d.Severity == "warning"), build.ToString());
            Assert.DoesNotContain(all, d => d.File == "Correct.cs");
        }

        [Theory]
        [InlineData("-p:TreatWarningsAsErrors=true")]
        [InlineData("-p:WarningsAsErrors=TLS001%3BTLS002%3BTLS003")] // %3B: MSBuild's escaped ';'
        public void Warnings_as_errors_fail_the_build_with_each_rule_as_an_error(string property)
        {
            var consumer = Consumers.Misuse(_fixture);
            var build = consumer.Build("-f", Consumers.Net8, property);
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode != 0, "the build must fail:\n" + build);
            Consumers.AssertAnalyzersLoaded(build);
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory), Consumer.TlsKeys(build, Consumers.Net8, "error"), build, "TLS errors");
            Assert.Empty(Consumer.TlsKeys(build, Consumers.Net8, "warning"));
        }

        [Fact]
        public void ErrorLog_writes_SARIF_2_1_with_rule_ids_places_and_help_links()
        {
            var consumer = Consumers.Misuse(_fixture);
            var sarif = Path.Combine(consumer.Directory, "out.sarif");
            File.Delete(sarif);

            // %2C is MSBuild's escaped comma: ErrorLog=<path>,version=2.1 reaches the compiler as one value.
            var build = consumer.Build("-f", Consumers.Net8, $"-p:ErrorLog={sarif}%2Cversion=2.1");
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.True(File.Exists(sarif), "no SARIF log written:\n" + build);

            using var log = JsonDocument.Parse(File.ReadAllText(sarif));
            Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
            var run = log.RootElement.GetProperty("runs").EnumerateArray().Single();

            var results = run.GetProperty("results").EnumerateArray()
                .Where(r => r.GetProperty("ruleId").GetString()!.StartsWith("TLS", StringComparison.Ordinal))
                .Select(r =>
                {
                    var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
                    var file = Path.GetFileName(new Uri(location.GetProperty("artifactLocation").GetProperty("uri").GetString()!).LocalPath);
                    var region = location.GetProperty("region");
                    return $"{file}({region.GetProperty("startLine").GetInt32()},{region.GetProperty("startColumn").GetInt32()}) {r.GetProperty("ruleId").GetString()}";
                })
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory), results, build, "SARIF results");

            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
                .Where(r => r.GetProperty("id").GetString()!.StartsWith("TLS", StringComparison.Ordinal))
                .ToList();
            foreach (var id in new[] { "TLS001", "TLS002", "TLS003" })
            {
                var rule = rules.First(r => r.GetProperty("id").GetString() == id);
                Assert.Equal(Consumers.HelpUri(id), rule.GetProperty("helpUri").GetString());
            }
        }
    }
}
