using System.IO;
using System.Linq;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>Users set the rules' severities in .editorconfig and suppress one place with #pragma, as for any analyzer.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class SeverityConfigurationTests
    {
        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public SeverityConfigurationTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Editorconfig_severity_none_silences_TLS001_only()
        {
            var consumer = Create("SeverityNone", directory =>
                File.WriteAllText(Path.Combine(directory, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.TLS001.severity = none\n"));
            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode == 0, build.ToString());
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory, e => e.Id != "TLS001"), Consumer.TlsKeys(build, Consumers.Net8, "warning"), build, "TLS warnings");
            Assert.Empty(Consumer.TlsKeys(build, Consumers.Net8, "error"));
        }

        [Fact]
        public void Editorconfig_severity_error_makes_TLS001_an_error_and_fails_the_build()
        {
            var consumer = Create("SeverityError", directory =>
                File.WriteAllText(Path.Combine(directory, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.TLS001.severity = error\n"));
            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode != 0, "the build must fail:\n" + build);
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory, e => e.Id == "TLS001"), Consumer.TlsKeys(build, Consumers.Net8, "error"), build, "TLS errors");
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory, e => e.Id != "TLS001"), Consumer.TlsKeys(build, Consumers.Net8, "warning"), build, "TLS warnings");
        }

        [Fact]
        public void Pragma_warning_disable_suppresses_TLS001_in_its_file()
        {
            var consumer = Create("Pragma", directory =>
            {
                var path = Path.Combine(directory, "Tls001Misuse.cs");
                File.WriteAllText(path, "#pragma warning disable TLS001 // the peer does not care about close_notify\n" + File.ReadAllText(path));
            });
            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode == 0, build.ToString());
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory, e => e.Id != "TLS001"), Consumer.TlsKeys(build, Consumers.Net8, "warning"), build, "TLS warnings");
        }

        [Fact]
        public void SuppressMessage_attribute_suppresses_TLS001_in_its_scope()
        {
            var consumer = Create("SuppressMessage", directory =>
            {
                var path = Path.Combine(directory, "Tls001Misuse.cs");
                var source = File.ReadAllText(path);
                const string Class = "    public class Tls001Misuse\n";
                Assert.Contains(Class, source, System.StringComparison.Ordinal);
                File.WriteAllText(path, source.Replace(Class, "    [System.Diagnostics.CodeAnalysis.SuppressMessage(\"Reliability\", \"TLS001\", Justification = \"test\")]\n" + Class));
            });
            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");

            Assert.True(build.ExitCode == 0, build.ToString());
            Consumers.AssertSameKeys(ExpectedDiagnostic.KeysIn(consumer.Directory, e => e.Id != "TLS001"), Consumer.TlsKeys(build, Consumers.Net8, "warning"), build, "TLS warnings");
        }

        private Consumer Create(string name, System.Action<string> customize) =>
            _fixture.Consumer(name, f => Consumer.Create(f, name, "Misuse", Consumer.ProjectXml(Consumers.Net8), customize));
    }
}
