using System;
using System.IO;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>The runtime library the fixes call works from the package: a net10.0 program closes a loopback TLS
    /// exchange with TlsClose.GracefulAsync on both sides.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class RuntimeConsumerTests
    {
        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public RuntimeConsumerTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Consumer_program_closes_a_loopback_TLS_exchange_cleanly()
        {
            var consumer = _fixture.Consumer("Runner", f => Consumer.Create(f, "Runner", "Runner", Consumer.ProjectXml(
                "net10.0",
                properties: "    <OutputType>Exe</OutputType>\n    <Nullable>enable</Nullable>\n")));
            var build = consumer.Build("-c", "Release");
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Empty(BuildDiagnostics.Parse(build.Output).Tls());

            var program = Path.Combine(consumer.Directory, "bin", "Release", "net10.0", "Runner.dll");
            var run = DotnetCli.Run(consumer.Directory, TimeSpan.FromMinutes(1), _fixture.Environment, program);
            _output.WriteLine($"run: {run.Elapsed.TotalSeconds:F1} s\n{run.Output}");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("server received: hello", run.Output, StringComparison.Ordinal);
            Assert.Contains("client close: Clean clean=True", run.Output, StringComparison.Ordinal);
            Assert.Contains("server close: Clean clean=True", run.Output, StringComparison.Ordinal);
        }
    }
}
