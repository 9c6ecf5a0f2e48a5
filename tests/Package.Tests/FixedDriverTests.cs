using System;
using System.Linq;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>Consumers written like real drivers (Consumers/Drivers: a nullable field closed with ?.Dispose(), a
    /// protocol stream holding the TLS stream in a Stream field, a read loop, OpenSSL through the driver's own imports),
    /// fixed by `dotnet format`, then built with Nullable and TreatWarningsAsErrors in every target: no TLS warning left
    /// and no warning of any other kind.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class FixedDriverTests
    {
        private static readonly string[] FormatArguments = { "--diagnostics", "TLS001", "TLS002", "TLS003", "--severity", "warn" };

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public FixedDriverTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void With_the_runtime_fixed_drivers_build_clean_on_netstandard2_0_net462_and_net8_0()
        {
            var consumer = Fixed("DriversRuntime", "netstandard2.0;net462;net8.0", PackageFixture.RuntimePackage);

            Assert.Contains("TlsClose.Notify(_ssl);", consumer.Read("Connection.cs"), StringComparison.Ordinal);
            Assert.DoesNotContain("_ssl?.Dispose()", consumer.Read("Connection.cs"), StringComparison.Ordinal);
            Assert.Contains("NativeMethods.SslGetError(this.handle, result)", consumer.Read("NativeTls.cs"), StringComparison.Ordinal);
            AssertBuildsClean(consumer);
        }

        [Fact]
        public void Without_the_runtime_fixed_drivers_build_clean_where_SslStream_has_ShutdownAsync()
        {
            // netstandard2.0 and net462 lack ShutdownAsync: there the TLS001 fix needs the runtime (see docs/rules/TLS001.md).
            var consumer = Fixed("DriversAnalyzersOnly", "net472;netstandard2.1;net8.0", PackageFixture.AnalyzersPackage);

            Assert.Contains("ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250))", consumer.Read("Connection.cs"), StringComparison.Ordinal);
            Assert.Contains("if (_inner is SslStream ssl)", consumer.Read("Connection.cs"), StringComparison.Ordinal);
            Assert.DoesNotContain("CloseNotify", consumer.Read("Connection.cs") + consumer.Read("ReadLoop.cs") + consumer.Read("NativeTls.cs"), StringComparison.Ordinal);
            AssertBuildsClean(consumer);
        }

        private Consumer Fixed(string name, string targets, string package)
        {
            var consumer = _fixture.Consumer(name, f => Consumer.Create(f, name, "Drivers", Consumer.ProjectXml(
                targets, properties: "    <LangVersion>latest</LangVersion>\n", package: package, nullable: "enable")));
            var fix = consumer.Format(FormatArguments);
            _output.WriteLine($"format: {fix.Elapsed.TotalSeconds:F1} s");
            Assert.True(fix.ExitCode == 0, fix.ToString());
            _output.WriteLine(consumer.Read("Connection.cs") + consumer.Read("ReadLoop.cs") + consumer.Read("NativeTls.cs"));
            Assert.Contains("throw;", consumer.Read("ReadLoop.cs"), StringComparison.Ordinal);
            return consumer;
        }

        private void AssertBuildsClean(Consumer consumer)
        {
            var build = consumer.Build("-p:TreatWarningsAsErrors=true");
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Empty(BuildDiagnostics.Parse(build.Output));
        }
    }
}
