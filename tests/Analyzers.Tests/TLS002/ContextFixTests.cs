// TLS002 fix by context: a ShutdownAsync task completed where the code cannot await is completed within a short bound
// (issue 29: never GetAwaiter().GetResult()), a peer already gone is not an error, and in cleanup code (Dispose) the
// rest is reported instead of thrown.
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
}", @"using System;
using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;

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
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException
            || ex.InnerException is IOException || ex.InnerException is ObjectDisposedException
            || ((ex is InvalidOperationException || ex is AuthenticationException) && !_ssl.CanWrite))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
        _ssl.Dispose();
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);

        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task A_stored_task_in_synchronous_code_is_waited_for_within_a_bound(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + @"
class Client
{
    public void Close(SslStream ssl)
    {
        var pending = {|TLS002:ssl.ShutdownAsync()|};
        ssl.Dispose();
    }
}", Usings + @"using CloseNotify;

class Client
{
    public void Close(SslStream ssl)
    {
        var pending = ssl.ShutdownAsync();
        try
        {
            pending.Wait(TimeSpan.FromMilliseconds(250));
        }
        catch (Exception ex) when (TlsErrors.IsBenign(ex, ssl))
        {
            // A peer already gone, a stream closed or never authenticated: nothing is left to tell the peer.
        }

        ssl.Dispose();
    }
}", SingleShotShutdownFixer.CompleteTaskKey, version);
    }
}
