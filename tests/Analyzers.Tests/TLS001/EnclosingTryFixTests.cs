// TLS001 fix in cleanup code inside a try that already catches every error: the close's own reporting try is written
// only where it is not dead code (the try goes with the disposal it held alone; a statement after the close in the
// try would be skipped by the close's error); the #if case is in Conventions/BranchFixTests.
using System.Threading.Tasks;
using CloseNotify.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Verify = CloseNotify.Analyzers.Tests.Verifier<CloseNotify.Analyzers.DisposedWithoutCloseNotifyAnalyzer, CloseNotify.CodeFixes.DisposedWithoutCloseNotifyFixer>;

namespace CloseNotify.Analyzers.Tests.TLS001
{
    public class EnclosingTryFixTests
    {
        private const string Usings = @"using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
";

        private const string Fixed = @"using System;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Tasks;
using CloseNotify;
";

        private const string Connection = @"
sealed class Connection
{
    private readonly Socket _socket;
    private SslStream _ssl;

    public Connection(Socket socket) => _socket = socket;

    public async Task OpenAsync()
    {
        _ssl = new SslStream(new NetworkStream(_socket));
        await _ssl.AuthenticateAsClientAsync(""db.example"").ConfigureAwait(false);
    }
";

        // The socket's disposal after the close stays reachable when the close fails: the close keeps its own try.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Keeps_its_own_try_when_the_enclosing_try_goes_on_after_it(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Connection + @"
    public async Task DisposeAsync()
    {
        try
        {
            {|TLS001:_ssl.Dispose()|};
            _socket.Dispose();
        }
        catch
        {
            // ignored
        }
    }
}", Fixed + Connection + @"
    public async Task DisposeAsync()
    {
        try
        {
            try
            {
                await TlsClose.GracefulAsync(_ssl).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Trace.TraceError(""TLS close failed: {0}"", ex);
            }

            _socket.Dispose();
        }
        catch
        {
            // ignored
        }
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version, compilationEnd: true);

        // A disposal alone in its try: the try goes with it, and the close's own catch is the only one left.
        [Theory]
        [MemberData(nameof(LanguageVersions.All), MemberType = typeof(LanguageVersions))]
        public Task Replaces_a_try_that_held_the_disposal_alone(LanguageVersion version) =>
            Verify.CodeFixAsync(Usings + Connection + @"
    public async Task DisposeAsync()
    {
        try
        {
            {|TLS001:_ssl.Dispose()|};
        }
        catch
        {
            // ignored
        }
    }
}", Fixed + Connection + @"
    public async Task DisposeAsync()
    {
        try
        {
            await TlsClose.GracefulAsync(_ssl).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Trace.TraceError(""TLS close failed: {0}"", ex);
        }
    }
}", DisposedWithoutCloseNotifyFixer.GracefulKey, version, compilationEnd: true);
    }
}
