using System;
using System.Linq;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>The code fixes run from the command line: `dotnet format analyzers` applies, for each diagnostic, the
    /// first fix its provider registers (TLS001: close gracefully; TLS002: complete the shutdown / loop over the own SSL_shutdown;
    /// TLS003: filter with TlsErrors.IsBenign), and the fixed project builds with no TLS warning left.</summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class DotnetFormatTests
    {
        private static readonly string[] Rules = { "--diagnostics", "TLS001", "TLS002", "TLS003", "--severity", "warn" };

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public DotnetFormatTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Fact]
        public void Format_applies_the_fixes_and_the_fixed_project_builds_without_TLS_warnings()
        {
            var consumer = _fixture.Consumer("Format", f => Consumer.Create(f, "Format", "Misuse", Consumer.ProjectXml(Consumers.Net8)));

            var before = consumer.Format(Rules.Prepend("--verify-no-changes").ToArray());
            _output.WriteLine($"verify before: {before.Elapsed.TotalSeconds:F1} s");
            Assert.True(before.ExitCode != 0, "--verify-no-changes must fail while fixes are pending:\n" + before);
            foreach (var id in new[] { "TLS001", "TLS002", "TLS003" })
            {
                Assert.Contains(id, before.Output, StringComparison.Ordinal);
            }

            var fix = consumer.Format(Rules);
            _output.WriteLine($"fix: {fix.Elapsed.TotalSeconds:F1} s");
            Assert.True(fix.ExitCode == 0, fix.ToString());

            var tls001 = consumer.Read("Tls001Misuse.cs");
            var tls002 = consumer.Read("Tls002Misuse.cs");
            var tls003 = consumer.Read("Tls003Misuse.cs");
            _output.WriteLine(tls001 + tls002 + tls003);
            Assert.Contains("using CloseNotify;", tls001, StringComparison.Ordinal);
            Assert.Contains("await TlsClose.GracefulAsync(ssl);", tls001, StringComparison.Ordinal);  // async method
            Assert.Contains("TlsClose.Notify(ssl);", tls001, StringComparison.Ordinal);               // sync method: no blocking drain
            Assert.DoesNotContain("TlsClose.Abort", tls001, StringComparison.Ordinal);
            Assert.Contains("await stream.ShutdownAsync();", tls002, StringComparison.Ordinal);
            Assert.Contains("SSL_get_error(_ssl, result)", tls002, StringComparison.Ordinal);        // the project's own imports
            Assert.Contains("catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))", tls003, StringComparison.Ordinal);
            Assert.Contains("/* ignored */", tls003, StringComparison.Ordinal);

            var after = consumer.Format(Rules.Prepend("--verify-no-changes").ToArray());
            _output.WriteLine($"verify after: {after.Elapsed.TotalSeconds:F1} s");
            Assert.True(after.ExitCode == 0, "--verify-no-changes must pass once fixed:\n" + after);

            var build = consumer.Build();
            _output.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Empty(BuildDiagnostics.Parse(build.Output).Tls());
            Assert.DoesNotContain(BuildDiagnostics.Parse(build.Output), d => d.Id.StartsWith("CS", StringComparison.Ordinal));
        }
    }
}
