// TLS002, not reported: observed shutdowns, driven SSL_shutdown loops, unrelated methods.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;
using static CloseNotify.Analyzers.Tests.TLS002.Sources;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class NoDiagnosticsTests
    {
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_observed_ShutdownAsync_tasks(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class Client
{
    async Task Awaited(SslStream ssl) { await ssl.ShutdownAsync(); }
    async Task Configured(SslStream ssl) { await ssl.ShutdownAsync().ConfigureAwait(false); }
    Task Returned(SslStream ssl) { return ssl.ShutdownAsync(); }
    Task ExpressionBodied(SslStream ssl) => ssl.ShutdownAsync();
    void Blocking(SslStream ssl) { ssl.ShutdownAsync().GetAwaiter().GetResult(); }
    void Waited(SslStream ssl) { ssl.ShutdownAsync().Wait(); }
    async Task Bounded(SslStream ssl) { await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(5)); }
    Task All(SslStream a, SslStream b) => Task.WhenAll(a.ShutdownAsync(), b.ShutdownAsync());

    async Task StoredThenAwaited(SslStream ssl)
    {
        var pending = ssl.ShutdownAsync();
        await pending;
        ssl.Dispose();
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_the_documented_shutdown_loop_and_wrappers(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + LibSsl + @"
class Connection
{
    const int WantRead = 2, WantWrite = 3;

    static bool ShutdownFully(IntPtr ssl, Socket socket)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var result = LibSsl.SSL_shutdown(ssl);
            if (result == 1)
                return true;
            if (result == 0)
                continue;
            var error = LibSsl.SSL_get_error(ssl, result);
            if (error == WantRead) { socket.Poll(100000, SelectMode.SelectRead); continue; }
            if (error == WantWrite) { socket.Poll(100000, SelectMode.SelectWrite); continue; }
            return false;
        }

        return false;
    }

    static int Shutdown(IntPtr ssl) => LibSsl.SSL_shutdown(ssl);

    void Close(IntPtr ssl, Socket socket)
    {
        ShutdownFully(ssl, socket);
    }

    void CloseBlocking(IntPtr ssl)
    {
        // The blocking-socket idiom: the second call waits for the peer's close_notify.
        if (LibSsl.SSL_shutdown(ssl) == 0)
            LibSsl.SSL_shutdown(ssl);
    }
}", version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Ignores_ShutdownAsync_of_an_unrelated_type(LanguageVersion version) =>
            Verify.AnalyzerAsync(Usings + @"
class AmqpChannel
{
    public Task ShutdownAsync() => Task.CompletedTask;
}

class Consumer
{
    void Stop(AmqpChannel channel)
    {
        channel.ShutdownAsync();
    }
}", version);
    }
}
