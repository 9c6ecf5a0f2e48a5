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
    /// framework and merged by dotnet format: one `using CloseNotify;`, no CS0105. And a file whose one framework fixes
    /// its own #if branch while every framework fixes the catch below it: Roslyn's merge of the copies wrote "Unmerged
    /// change" conflict blocks into such a file (measured on a multi-targeted client library); the copies now agree.
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

        [Fact]
        public void A_file_with_per_framework_branches_is_merged_without_conflict_and_builds_for_every_framework()
        {
            const string name = "LinkedFiles";
            var consumer = _fixture.Consumer(name, f => Consumer.Create(f, name, name,
                Consumer.ProjectXml("netstandard2.0;netstandard2.1;net8.0", properties: "    <LangVersion>latest</LangVersion>\n", nullable: "enable")));

            // TLS003 first, then TLS001: the order dotnet format took on a library of this shape, where it left the conflict.
            var format = consumer.Format("--diagnostics", "TLS001", "TLS002", "TLS003", "--severity", "warn");
            Assert.True(format.ExitCode == 0, format.ToString());
            var text = consumer.Read("Connection.cs");
            _output.WriteLine(text);

            Assert.DoesNotContain("Unmerged change", text, StringComparison.Ordinal);
            Assert.DoesNotContain("<<<<<<<", text, StringComparison.Ordinal);
            // netstandard2.0's fix in its own branch, the other frameworks' branch as it was, the shared catch narrowed once.
            Assert.Matches(@"#if NETSTANDARD2_0\n(.*\n)*? +(await )?TlsClose\.\w+\(_tls\)[^\n]*\n(.*\n)*?#else\n +await _tls\.ShutdownAsync\(\)[^\n]*\n#endif\n +}\n +catch \(Exception ex\) when", text);
            Assert.Equal(1, Count(text, "catch (Exception ex) when (TlsErrors.IsBenign(ex, _tls))"));
            Assert.Equal(1, Count(text, "using CloseNotify;"));

            var after = consumer.Build();
            Assert.True(after.ExitCode == 0, after.ToString());
            Assert.DoesNotContain(BuildDiagnostics.Parse(after.Output), d => d.Id.StartsWith("CS", StringComparison.Ordinal));
        }

        private static int Count(string text, string line) =>
            text.Split('\n').Count(l => l.Trim() == line);
    }
}
