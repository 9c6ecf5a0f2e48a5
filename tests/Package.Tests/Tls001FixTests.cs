using System;
using System.IO;
using System.Linq;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>The TLS001 fixes on driver-like code (Consumers/Tls001Shapes: a writer and a reader over the TLS stream in
    /// fields, a cancellable disconnect, a return that reads the stream; Consumers/Tls001Abort: a Dispose(bool) that resets
    /// when not disposing), applied by `dotnet format` in projects that run CA2016 and VSTHRD002 as errors: they build clean
    /// in every target, with the runtime and without it; and the fixed code, run against a loopback TLS peer, sends
    /// close_notify after its data on every normal close and resets where the code resets.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class Tls001FixTests
    {
        private static readonly string[] FormatArguments = { "--diagnostics", "TLS001", "--severity", "warn" };

        // CA2016 is a suggestion by default and VSTHRD002 a warning: both errors here, as in a strict library.
        private const string EditorConfig = "root = true\n\n[*.cs]\ndotnet_diagnostic.CA2016.severity = error\ndotnet_diagnostic.VSTHRD002.severity = error\n";

        private const string ThreadingAnalyzers = "    <PackageReference Include=\"Microsoft.VisualStudio.Threading.Analyzers\" Version=\"18.12.1\" PrivateAssets=\"all\" />\n";

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public Tls001FixTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void With_the_runtime_fixed_shapes_build_clean_with_CA2016_and_VSTHRD002_as_errors_on_netstandard2_0_and_net8_0()
        {
            // netstandard2.0 stands for every target without ShutdownAsync (net462 too): one of each kind keeps the test short.
            var consumer = Fixed("Tls001Runtime", "netstandard2.0;net8.0", PackageFixture.RuntimePackage, "Tls001Abort");
            var session = consumer.Read("Session.cs");
            Assert.Contains("_writer?.Flush();", session, StringComparison.Ordinal);
            Assert.Contains("TlsClose.Notify(_writer?.BaseStream);", session, StringComparison.Ordinal);
            Assert.Contains("await TlsClose.GracefulAsync(_ssl, cancellationToken: cancellationToken).ConfigureAwait(false);", session, StringComparison.Ordinal);
            Assert.Contains("var result = await ReadByteAsync(ssl, cancellationToken).ConfigureAwait(false);", consumer.Read("Probe.cs"), StringComparison.Ordinal);
            Assert.Contains("TlsClose.Abort(_ssl);", consumer.Read("ResettableConnection.cs"), StringComparison.Ordinal);
            AssertBuildsClean(consumer);
        }

        [Fact]
        public void Without_the_runtime_fixed_shapes_build_clean_with_CA2016_and_VSTHRD002_as_errors()
        {
            var consumer = Fixed("Tls001AnalyzersOnly", "netstandard2.1;net8.0", PackageFixture.AnalyzersPackage);
            var session = consumer.Read("Session.cs");
            Assert.Contains("#pragma warning disable VSTHRD002", session, StringComparison.Ordinal);
            Assert.Contains("if (_writer?.BaseStream is SslStream ssl)", session, StringComparison.Ordinal);
            Assert.Contains("catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException", session, StringComparison.Ordinal);
            Assert.DoesNotContain("CloseNotify", session + consumer.Read("Probe.cs"), StringComparison.Ordinal);
            AssertBuildsClean(consumer);
        }

        [Fact]
        public void Fixed_shapes_send_close_notify_after_their_data_and_reset_where_the_code_resets()
        {
            var consumer = _fixture.Consumer("Tls001Runner", f => Consumer.Create(f, "Tls001Runner", "Tls001Runner", Consumer.ProjectXml(
                "net10.0", properties: "    <OutputType>Exe</OutputType>\n    <LangVersion>latest</LangVersion>\n", nullable: "enable"),
                directory => CopySources(directory, "Tls001Shapes", "Tls001Abort")));
            var fix = consumer.Format(FormatArguments);
            Assert.True(fix.ExitCode == 0, fix.ToString());
            _output.WriteLine(consumer.Read("Session.cs") + consumer.Read("ResettableConnection.cs"));

            var build = consumer.Build("-c", "Release");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Empty(BuildDiagnostics.Parse(build.Output).Tls());

            var program = Path.Combine(consumer.Directory, "bin", "Release", "net10.0", "Tls001Runner.dll");
            var run = DotnetCli.Run(consumer.Directory, TimeSpan.FromMinutes(2), _fixture.Environment, program);
            _output.WriteLine($"run: {run.Elapsed.TotalSeconds:F1} s\n{run.Output}");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("session: buffered line, then Dispose: peer saw close_notify after \"hello\\n\"", run.Output, StringComparison.Ordinal);
            Assert.Contains("resettable: Fail() = Dispose(false): peer saw reset", run.Output, StringComparison.Ordinal);
        }

        private Consumer Fixed(string name, string targets, string package, params string[] extraSources)
        {
            var consumer = _fixture.Consumer(name, f => Consumer.Create(f, name, "Tls001Shapes", Consumer.ProjectXml(
                targets, properties: "    <LangVersion>latest</LangVersion>\n", items: ThreadingAnalyzers, package: package, nullable: "enable"),
                directory => CopySources(directory, extraSources)));
            var fix = consumer.Format(FormatArguments);
            _output.WriteLine($"format: {fix.Elapsed.TotalSeconds:F1} s");
            Assert.True(fix.ExitCode == 0, fix.ToString());
            foreach (var file in Directory.GetFiles(consumer.Directory, "*.cs"))
            {
                _output.WriteLine(File.ReadAllText(file));
            }

            return consumer;
        }

        /// <summary>The .editorconfig that makes CA2016 and VSTHRD002 errors, and the sources of more consumer folders.</summary>
        private static void CopySources(string directory, params string[] folders)
        {
            File.WriteAllText(Path.Combine(directory, ".editorconfig"), EditorConfig);
            foreach (var file in folders.SelectMany(f => Directory.GetFiles(PackageFixture.ConsumerSources(f))))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
            }
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
