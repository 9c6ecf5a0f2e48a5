using System;
using System.Linq;
using Xunit.Abstractions;

namespace CloseNotify.Package.Tests
{
    /// <summary>
    /// The real `dotnet format analyzers` on a file where some TLS001 diagnostics have no fix: it takes the equivalence
    /// key of the first diagnostic it meets (null for one without a fix) and runs Fix All with it, so a provider that
    /// ignored a missing key left the whole file unfixed while printing "Formatted code file" and exiting 0 (measured on
    /// an MQTT client, net8.0 and netstandard2.0;net8.0). And a file with per-framework #if branches, fixed once per
    /// framework and merged by dotnet format: one `using CloseNotify;`, no CS0105.
    /// </summary>
    [Collection(PackageCollection.Name)]
    [Trait("Category", "Package")]
    public class DotnetFormatFixAllTests
    {
        private static readonly string[] Rules = { "--diagnostics", "TLS001", "TLS003", "--severity", "warn" };

        private const string Pipelines = "    <PackageReference Include=\"System.IO.Pipelines\" Version=\"8.0.0\" />\n";

        private readonly PackageFixture _fixture;
        private readonly ITestOutputHelper _output;

        public DotnetFormatFixAllTests(PackageFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        [Theory]
        [InlineData("net8.0")]
        [InlineData("netstandard2.0;net8.0")]
        public void A_diagnostic_without_a_fix_does_not_stop_the_others_in_its_file(string targets)
        {
            var name = "FixAll" + (targets.Contains(';') ? "Multi" : "Net8");
            var consumer = _fixture.Consumer(name, f => Consumer.Create(f, name, "FixAll", Consumer.ProjectXml(targets, items: Pipelines)));
            var before = consumer.Build();
            var tls001Before = BuildDiagnostics.Parse(before.Output).Tls().Count(d => d.Id == "TLS001" && d.Key.StartsWith("MqttLikeClient.cs", StringComparison.Ordinal));

            var format = consumer.Format(Rules);
            Assert.True(format.ExitCode == 0, format.ToString());
            var client = consumer.Read("MqttLikeClient.cs");
            var session = consumer.Read("Session.cs");
            _output.WriteLine(client + session);

            // The disposals that have a fix got it, whichever diagnostic dotnet format met first.
            Assert.Contains("ssl.AuthenticateAsClient(host);\n            TlsClose.Notify(ssl);\n", client, StringComparison.Ordinal);
            Assert.Contains("ssl.WriteByte(0xC0);\n                await TlsClose.GracefulAsync(ssl);\n", client, StringComparison.Ordinal);
            Assert.Contains("TlsClose.Notify(_ssl);", session, StringComparison.Ordinal);
            Assert.Contains("when (TlsErrors.IsBenign(ex, _ssl))", session, StringComparison.Ordinal);

            // Merged once per file, whatever each framework's project wrote; System.Diagnostics not imported twice.
            Assert.Equal(1, Count(client, "using CloseNotify;"));
            Assert.Equal(1, Count(session, "using CloseNotify;"));
            Assert.Equal(1, Count(session, "using System.Diagnostics;"));
            Assert.DoesNotContain("Unmerged change", session, StringComparison.Ordinal);

            var after = consumer.Build();
            Assert.True(after.ExitCode == 0, after.ToString());
            var diagnostics = BuildDiagnostics.Parse(after.Output);
            Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("CS", StringComparison.Ordinal));
            var tls001After = diagnostics.Tls().Count(d => d.Id == "TLS001" && d.Key.StartsWith("MqttLikeClient.cs", StringComparison.Ordinal));
            _output.WriteLine($"TLS001 in MqttLikeClient.cs: {tls001Before} before, {tls001After} after");
            Assert.True(tls001After <= tls001Before - 2 * targets.Split(';').Length, $"{tls001Before} -> {tls001After}\n{after}");
        }

        private static int Count(string text, string line) =>
            text.Split('\n').Count(l => l.Trim() == line);
    }
}
