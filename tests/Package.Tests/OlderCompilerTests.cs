using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>The analyzers are built against Roslyn 4.8 so that compilers older than the SDK's load them.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class OlderCompilerTests
    {
        /// <summary>The oldest Microsoft.Net.Compilers.Toolset at or above 4.8 that the package mirror of the build
        /// machines serves: it has only 4.14.0 and 5.9.0 (4.8.0 to 4.13.x fail to restore, NU1102).</summary>
        public const string CompilerVersion = "4.14.0";

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public OlderCompilerTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Older_compiler_loads_the_analyzers_and_reports_every_misuse()
        {
            // The .NET 10 SDK ignores a toolset package unless RoslynCompilerType is set to something other than
            // Core/Framework (its own compiler would run, and the test would prove nothing).
            var consumer = _fixture.Consumer("OlderCompiler", f => Consumer.Create(f, "OlderCompiler", "Misuse", Consumer.ProjectXml(
                Consumers.Net8,
                properties: "    <RoslynCompilerType>Custom</RoslynCompilerType>\n",
                items: $"    <PackageReference Include=\"Microsoft.Net.Compilers.Toolset\" Version=\"{CompilerVersion}\" PrivateAssets=\"all\" />\n")));
            var build = consumer.Build("-v:n");
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Matches(new Regex($@"microsoft\.net\.compilers\.toolset[/\\]{Regex.Escape(CompilerVersion)}[/\\]tasks[/\\]netcore[/\\]bincore[/\\]csc\.dll", RegexOptions.IgnoreCase), build.Output);
            Consumers.AssertAnalyzersLoaded(build);
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory), Consumer.TlsKeys(build, Consumers.Net8, "warning"), build, "TLS warnings");
        }
    }
}
