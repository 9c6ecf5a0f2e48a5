// TLS006 fixes: the runtime's bounded graceful close in place of the drain, or (BCL only) a bound on the reads.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Fixer = CloseNotify.CodeFixes.UnboundedDrainFixer;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.UnboundedDrainAnalyzer, CloseNotify.CodeFixes.UnboundedDrainFixer>;

namespace CloseNotify.Analyzers.Tests.TLS006
{
    public class FixTests
    {
        private const string Usings = DiagnosticsTests.Usings;

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Replaces_the_shutdown_and_the_drain_by_the_graceful_close(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        // close_notify, then wait for the peer's
        await ssl.ShutdownAsync();
        {|TLS006:while|} (await ssl.ReadAsync(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", Usings + @"using CloseNotify;

class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        // close_notify, then wait for the peer's
        await TlsClose.GracefulAsync(ssl);
    }
}", Fixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Uses_the_synchronous_close_outside_async_code(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    void Run(Stream inner, byte[] buffer)
    {
        var ssl = new SslStream(inner);
        ssl.AuthenticateAsClient(""db.example"");
        ssl.ShutdownAsync().Wait();
        {|TLS006:while|} (true)
        {
            var n = ssl.Read(buffer, 0, buffer.Length);
            if (n == 0)
                break;
        }
    }
}", Usings + @"using CloseNotify;

class Client
{
    void Run(Stream inner, byte[] buffer)
    {
        var ssl = new SslStream(inner);
        ssl.AuthenticateAsClient(""db.example"");
        TlsClose.Graceful(ssl);
    }
}", Fixer.DefaultKey, version);

        // The loop does something with the bytes: it stays, bounded by a token source.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Bounds_an_async_drain_with_a_token_source_without_the_runtime(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        int n;
        {|TLS006:while|} ((n = await ssl.ReadAsync(buffer, 0, buffer.Length)) > 0)
        {
            Console.WriteLine(n);
        }
    }
}", Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl)
    {
        var buffer = new byte[4096];
        await ssl.ShutdownAsync();
        int n;
        using (var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            while ((n = await ssl.ReadAsync(buffer, 0, buffer.Length, drainTimeout.Token)) > 0)
            {
                Console.WriteLine(n);
            }
        }
    }
}", Fixer.DefaultKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Replaces_CancellationToken_None_and_sets_a_read_timeout_for_sync_reads(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, Memory<byte> buffer)
    {
        await ssl.ShutdownAsync();
        {|TLS006:while|} (await ssl.ReadAsync(buffer, CancellationToken.None) > 0)
        {
        }
    }

    void Close(Stream inner, byte[] buffer)
    {
        var ssl = new SslStream(inner);
        ssl.AuthenticateAsClient(""db.example"");
        ssl.ShutdownAsync().Wait();
        {|TLS006:while|} (ssl.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", Usings + @"
class Client
{
    async Task CloseAsync(SslStream ssl, Memory<byte> buffer)
    {
        await ssl.ShutdownAsync();
        using (var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            while (await ssl.ReadAsync(buffer, drainTimeout.Token) > 0)
            {
            }
        }
    }

    void Close(Stream inner, byte[] buffer)
    {
        var ssl = new SslStream(inner);
        ssl.AuthenticateAsClient(""db.example"");
        ssl.ShutdownAsync().Wait();
        ssl.ReadTimeout = 5000;
        while (ssl.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}", Fixer.DefaultKey, version);
    }
}
