// Fix All never drops a file: dotnet format takes the equivalence key of the first diagnostic it meets (null when that
// one has no fix) and applies Fix All over the solution with it. Whichever diagnostic comes first — the one without a fix
// at the top of the file or at its end — every diagnostic that has a fix gets it.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace CloseNotify.Analyzers.Tests.Conventions
{
    public class FixAllKeyTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
";

        // TLS001: a disposal after the transport was closed has no fix (no close_notify can leave any more).
        private const string Tls001Unfixable = @"
    void Drop(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""a.example"");
        tcp.Close();
        ssl.Dispose();
    }
";

        private const string Tls001Fixable = @"
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""b.example"");
        ssl.Dispose();
    }

    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""c.example"");
        }
    }
";

        private const string Tls001Fixed = @"
    void Send(TcpClient tcp)
    {
        var ssl = new SslStream(tcp.GetStream());
        ssl.AuthenticateAsClient(""b.example"");
        TlsClose.Notify(ssl);
    }

    async Task SendAsync(TcpClient tcp)
    {
        using (var ssl = new SslStream(tcp.GetStream()))
        {
            await ssl.AuthenticateAsClientAsync(""c.example"");
            await TlsClose.GracefulAsync(ssl);
        }
    }
";

        // TLS002: a single SSL_shutdown in a project that declares no SSL_get_error has no fix.
        private const string Tls002Unfixable = @"
    [DllImport(""libssl"")]
    static extern int SSL_shutdown(IntPtr ssl);

    void Close(IntPtr ssl)
    {
        SSL_shutdown(ssl);
    }
";

        private const string Tls002Fixable = @"
    async Task CloseAsync(SslStream stream)
    {
        _ = stream.ShutdownAsync();
    }

    void Stop(SslStream stream)
    {
        stream.ShutdownAsync();
    }
";

        private const string Tls002Fixed = @"
    async Task CloseAsync(SslStream stream)
    {
        await stream.ShutdownAsync();
    }

    void Stop(SslStream stream)
    {
        try
        {
            stream.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, stream))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
    }
";

        // TLS004: a transport disposed at the end of its using is reported at its declaration, where no close fits.
        private const string Tls004Unfixable = @"
    void Send(byte[] data)
    {
        using (var tcp = new TcpClient(""a.example"", 443))
        {
            var ssl = new SslStream(tcp.GetStream());
            ssl.AuthenticateAsClient(""a.example"");
            ssl.Write(data, 0, data.Length);
        }
    }
";

        private const string Tls004Fixable = @"
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""b.example"");
        await ssl.WriteAsync(data, 0, data.Length);
        tcp.Close();
    }
";

        private const string Tls004Fixed = @"
    async Task SendAsync(TcpClient tcp, byte[] data)
    {
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(""b.example"");
        await ssl.WriteAsync(data, 0, data.Length);
        await TlsClose.GracefulAsync(ssl);
        tcp.Close();
    }
";

        // TLS005: a write fed by what follows the shutdown cannot move.
        private const string Tls005Unfixable = @"
    async Task ByeAsync(SslStream ssl)
    {
        await ssl.ShutdownAsync();
        var bye = new byte[] { 1 };
        await ssl.WriteAsync(bye, 0, bye.Length);
    }
";

        private const string Tls005Fixable = @"
    void Quit(SslStream ssl, byte[] quit)
    {
        ssl.ShutdownAsync().Wait();
        ssl.Write(quit, 0, quit.Length);
    }
";

        private const string Tls005Fixed = @"
    void Quit(SslStream ssl, byte[] quit)
    {
        ssl.Write(quit, 0, quit.Length);
        ssl.ShutdownAsync().Wait();
    }
";

        // TLS006: a loop that uses what it reads, read through named arguments, gets neither the graceful close nor a bound.
        private const string Tls006Unfixable = @"
    async Task DrainAsync(SslStream ssl, byte[] buffer)
    {
        await ssl.ShutdownAsync();
        int n;
        while ((n = await ssl.ReadAsync(buffer: buffer, offset: 0, count: buffer.Length)) > 0)
        {
            Console.WriteLine(n);
        }
    }
";

        private const string Tls006Fixable = @"
    async Task CloseAsync(SslStream ssl, byte[] buffer)
    {
        await ssl.ShutdownAsync();
        while (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }
";

        private const string Tls006Fixed = @"
    async Task CloseAsync(SslStream ssl, byte[] buffer)
    {
        await TlsClose.GracefulAsync(ssl);
    }
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task TLS001_every_fixable_diagnostic_is_fixed_whichever_comes_first(LanguageVersion version) =>
            BothOrdersAsync<DisposedWithoutCloseNotifyAnalyzer, DisposedWithoutCloseNotifyFixer>(Tls001Unfixable, Tls001Fixable, Tls001Fixed, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task TLS002_every_fixable_diagnostic_is_fixed_whichever_comes_first(LanguageVersion version) =>
            BothOrdersAsync<SingleShotShutdownAnalyzer, SingleShotShutdownFixer>(Tls002Unfixable, Tls002Fixable, Tls002Fixed, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task TLS004_every_fixable_diagnostic_is_fixed_whichever_comes_first(LanguageVersion version) =>
            BothOrdersAsync<TransportClosedUnderTlsAnalyzer, TransportClosedUnderTlsFixer>(Tls004Unfixable, Tls004Fixable, Tls004Fixed, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task TLS005_every_fixable_diagnostic_is_fixed_whichever_comes_first(LanguageVersion version) =>
            BothOrdersAsync<WriteAfterShutdownAnalyzer, WriteAfterShutdownFixer>(Tls005Unfixable, Tls005Fixable, Tls005Fixed, version, importsRuntime: false);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task TLS006_every_fixable_diagnostic_is_fixed_whichever_comes_first(LanguageVersion version) =>
            BothOrdersAsync<UnboundedDrainAnalyzer, UnboundedDrainFixer>(Tls006Unfixable, Tls006Fixable, Tls006Fixed, version);

        // A key the rule does not know (or none) is its default fix; an alternative key is the IDE user's choice.
        [Fact]
        public async Task A_foreign_key_means_the_default_fix_and_an_alternative_key_its_own_fix()
        {
            var source = Usings + "\nclass Client\n{" + Tls006Fixable + "}\n";
            var document = await DotnetFormatRun.CreateDocumentAsync(source, LanguageVersion.CSharp7_3, withRuntime: true, editorConfig: null);
            var foreign = await DotnetFormatRun.FixAllAsync<UnboundedDrainAnalyzer, UnboundedDrainFixer>(document, "TLS001.CloseGracefully");
            var bound = await DotnetFormatRun.FixAllAsync<UnboundedDrainAnalyzer, UnboundedDrainFixer>(document, UnboundedDrainFixer.BoundKey);
            Assert.Equal(Usings + "using CloseNotify;\n\nclass Client\n{" + Tls006Fixed + "}\n", foreign);
            Assert.Contains("drainTimeout.Token", bound, System.StringComparison.Ordinal);
        }

        /// <summary>The file with the unfixable member first, then last; each time every choice of the first diagnostic
        /// gives the same text, with every fixable diagnostic fixed, and one diagnostic really has no fix.</summary>
        private static async Task BothOrdersAsync<TAnalyzer, TFixer>(string unfixable, string fixable, string fixedText, LanguageVersion version, bool importsRuntime = true)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFixer : CodeFixProvider, new()
        {
            var fixedUsings = importsRuntime ? Usings + "using CloseNotify;\n" : Usings;
            foreach (var (members, fixedMembers) in new[] { (unfixable + fixable, unfixable + fixedText), (fixable + unfixable, fixedText + unfixable) })
            {
                var results = await DotnetFormatRun.EveryFirstAsync<TAnalyzer, TFixer>(Usings + "\nclass Client\n{" + members + "}\n", version);
                Assert.True(results.Count >= 2, "the file must hold a diagnostic with a fix and one without");
                Assert.Contains(results, r => r.Key == null);
                Assert.All(results, r => Assert.Equal(fixedUsings + "\nclass Client\n{" + fixedMembers + "}\n", r.Text));
            }
        }
    }
}
