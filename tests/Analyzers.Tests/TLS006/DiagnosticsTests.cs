// TLS006, reported: after ShutdownAsync(), a loop that reads until the end of the stream with nothing to bound it.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.UnboundedDrainAnalyzer, CloseNotify.CodeFixes.UnboundedDrainFixer>;

namespace CloseNotify.Analyzers.Tests.TLS006
{
    public class DiagnosticsTests
    {
        internal const string Usings = @"using System;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_read_until_zero_in_the_condition(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        {|TLS006:while|} (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }

        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_count_assigned_in_the_condition_and_CancellationToken_None(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private SslStream _ssl;

    async Task CloseAsync()
    {
        await _ssl.ShutdownAsync().ConfigureAwait(false);
        var buffer = new byte[1024];
        int read;
        {|TLS006:while|} ((read = await _ssl.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None).ConfigureAwait(false)) != 0)
        {
            Console.WriteLine(read);
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_break_on_zero_in_an_endless_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    void Run(Stream inner)
    {
        var ssl = new SslStream(inner);
        ssl.AuthenticateAsClient(""db.example"");
        ssl.ShutdownAsync().GetAwaiter().GetResult();
        var buffer = new byte[512];
        {|TLS006:while|} (true)
        {
            var n = ssl.Read(buffer, 0, buffer.Length);
            if (n == 0)
            {
                break;
            }
        }
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_do_while_and_a_for_loop(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, byte[] buffer)
    {
        await ssl.ShutdownAsync();
        int n;
        {|TLS006:do|}
        {
            n = await ssl.ReadAsync(buffer, 0, buffer.Length, default(CancellationToken));
        }
        while (n > 0);
    }

    async Task CloseAgainAsync(SslStream ssl, byte[] buffer)
    {
        await ssl.ShutdownAsync();
        {|TLS006:for|} (;;)
        {
            if (await ssl.ReadAsync(buffer, 0, buffer.Length) <= 0)
                return;
        }
    }
}", version);

        // The drain goes through a Stream-typed alias of the stream shut down.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Reports_a_drain_through_an_alias_with_memory_reads(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    private Stream _stream;

    async Task CloseAsync()
    {
        if (_stream is SslStream ssl)
        {
            await ssl.ShutdownAsync();
        }

        var buffer = new byte[256];
        {|TLS006:while|} (await _stream.ReadAsync(buffer.AsMemory()) > 0)
        {
        }
    }
}", version);
    }
}
