// TLS002 fix by context: a dropped ShutdownAsync task in synchronous cleanup code (Dispose) is completed within a
// short bound, and a peer already gone does not make Dispose throw.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.SingleShotShutdownAnalyzer, CloseNotify.CodeFixes.SingleShotShutdownFixer>;

namespace CloseNotify.Analyzers.Tests.TLS002
{
    public class ContextFixTests
    {
        private const string Usings = @"using System;
using System.IO;
using System.Net.Security;
";

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Dropped_task_in_Dispose_is_completed_within_a_bound_and_cannot_throw_for_a_peer_gone(LanguageVersion version) =>
            Verify.CodeFixWithoutRuntimeAsync(Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        _ = {|TLS002:_ssl.ShutdownAsync()|};
        _ssl.Dispose();
    }
}", Usings + @"
sealed class Connection : IDisposable
{
    private readonly SslStream _ssl;

    public Connection(SslStream ssl) { _ssl = ssl; }

    public void Dispose()
    {
        try
        {
            _ssl.ShutdownAsync().Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException)
        {
            // The peer reset or closed first, or the stream is gone: nothing is left to tell the peer.
        }
        _ssl.Dispose();
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);
    }
}
